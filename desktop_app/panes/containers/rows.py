"""What a container row shows, as pure functions of its DTO and the time: no Qt, no I/O."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from desktop_app.presentation import ago, duration
from engine_bridge import ContainerSummary, PortBinding
from engine_bridge.specs import SpecError
from engine_bridge.specs.ports import PortRange, parse_port


def human_status(c: ContainerSummary, now: datetime) -> str:
    """The container's state in words, kept current from its timestamps when they are known."""
    if not c.detailed:
        return c.status
    health = f" ({c.health})" if c.health and c.state == "running" else ""
    if c.state == "running" and c.started_at is not None:
        return f"Up {duration((now - c.started_at).total_seconds())}{health}"
    if c.state == "paused" and c.started_at is not None:
        return f"Up {duration((now - c.started_at).total_seconds())} (Paused)"
    if c.state == "exited" and c.finished_at is not None:
        return f"Exited ({c.exit_code}) {ago(c.finished_at, now)}"
    if c.state == "restarting" and c.finished_at is not None:
        return f"Restarting ({c.exit_code}) {ago(c.finished_at, now)}"
    if c.state == "created":
        return "Created"
    if c.state == "dead":
        return "Dead"
    return c.status


def ports_text(c: ContainerSummary) -> str:
    """Published ports first, then exposed ones: "127.0.0.1:8080→80/tcp, 443/tcp"."""
    published = [p for p in c.ports if p.published]
    exposed = sorted(
        {f"{p.container_port}/{p.protocol}" for p in c.ports if not p.published}
        - {f"{p.container_port}/{p.protocol}" for p in published}
    )
    return ", ".join([str(p).replace("->", "→") for p in _dedupe_ip_families(published)] + exposed)


def _dedupe_ip_families(ports: list[PortBinding]) -> list[PortBinding]:
    """`-p 8080:80` binds 0.0.0.0 and ::, which says the same thing twice: keep one."""
    seen: set[tuple[int, str, int | None]] = set()
    kept = []
    for p in ports:
        key = (p.container_port, p.protocol, p.host_port)
        if p.host_ip == "::" and key in seen:
            continue
        seen.add(key)
        kept.append(p)
    return kept


def browser_urls(c: ContainerSummary) -> list[str]:
    """An http:// address for every TCP port published on a host address."""
    urls = []
    for p in _dedupe_ip_families([p for p in c.ports if p.published and p.protocol == "tcp"]):
        host = p.host_ip
        if host in ("", "0.0.0.0", "::"):
            host = "localhost"
        elif ":" in host:
            host = f"[{host}]"
        url = f"http://{host}:{p.host_port}"
        if url not in urls:
            urls.append(url)
    return urls


def short_image(image: str) -> str:
    """An image reference without a digest's long tail, for a narrow column."""
    if image.startswith("sha256:"):
        return image[7:19]
    if "@sha256:" in image:
        name, digest = image.split("@", 1)
        return f"{name}@{digest[:19]}…"
    return image


STATE_ORDER = {"running": 0, "restarting": 1, "paused": 2, "created": 3, "exited": 4, "dead": 5}


def inspect_summary(data: dict[str, object]) -> list[tuple[str, str]]:
    """The parts of `docker inspect` a person looks for first, as (label, text) rows."""
    config = _mapping(data.get("Config"))
    host = _mapping(data.get("HostConfig"))
    state = _mapping(data.get("State"))
    network = _mapping(data.get("NetworkSettings"))
    entrypoint = _strings(config.get("Entrypoint"))
    command = _strings(config.get("Cmd"))
    rows = [
        ("Image", str(config.get("Image") or data.get("Image") or "")),
        ("Entrypoint", shlex.join(entrypoint) if entrypoint else "(none)"),
        ("Command", shlex.join(command) if command else "(none)"),
        ("Runs", shlex.join([str(data.get("Path") or ""), *_strings(data.get("Args"))]).strip()),
    ]
    env = _strings(config.get("Env"))
    rows.append(("Environment", "\n".join(env) if env else "(none)"))
    mounts = [
        f"{m.get('Name') or m.get('Source')} → {m.get('Destination')}"
        f" ({m.get('Type')}{', read-only' if not m.get('RW', True) else ''})"
        for m in (_mapping(x) for x in _list(data.get("Mounts")))
    ]
    rows.append(("Mounts", "\n".join(mounts) if mounts else "(none)"))
    ports = []
    for key, bindings in sorted(_mapping(network.get("Ports")).items()):
        targets = [
            f"{_mapping(b).get('HostIp')}:{_mapping(b).get('HostPort')}" for b in _list(bindings)
        ]
        ports.append(f"{key} ← {', '.join(targets)}" if targets else f"{key} (not published)")
    rows.append(("Ports", "\n".join(ports) if ports else "(none)"))
    networks = [
        f"{name}: {_mapping(details).get('IPAddress') or 'no address'}"
        for name, details in sorted(_mapping(network.get("Networks")).items())
    ]
    rows.append(("Networks", "\n".join(networks) if networks else "(none)"))
    policy = _mapping(host.get("RestartPolicy"))
    name = str(policy.get("Name") or "no")
    retries = int(str(policy.get("MaximumRetryCount") or 0))
    rows.append(
        ("Restart policy", f"{name}:{retries}" if name == "on-failure" and retries else name)
    )
    health = _mapping(state.get("Health"))
    rows.append(("Health", str(health.get("Status")) if health else "no health check"))
    status = str(state.get("Status") or "")
    if status in ("exited", "dead"):
        rows.append(("Exit code", str(state.get("ExitCode"))))
        if state.get("Error"):
            rows.append(("Error", str(state.get("Error"))))
    rows.append(("State", status))
    return rows


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def free_name(wanted: str, taken: set[str]) -> str:
    """`wanted`, or with -2, -3, ... after it when a container has that name already."""
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}-{number}", number + 1
    return name


def free_ports(ports: list[str], containers: Iterable[ContainerSummary]) -> list[str]:
    """`-p` values for a copy: a fixed host port that another container publishes is moved
    to the next one no container publishes (the copy could not start on the same port)."""
    used = {p.host_port for c in containers for p in c.ports if p.host_port}
    out = []
    for text in ports:
        try:
            port = parse_port(text)
        except SpecError:
            out.append(text)
            continue
        if port.host is None or not any(
            n in used for n in range(port.host.start, port.host.end + 1)
        ):
            out.append(text)
            continue
        width = port.host.end - port.host.start
        start = port.host.end + 1
        while any(n in used for n in range(start, start + width + 1)):
            start += 1
        moved = PortRange(start, start + width)
        used |= set(range(start, start + width + 1))
        out.append(str(replace(port, host=moved)))
    return out
