"""The port doctor: why a published port shows nothing in the browser. It reads what listens in
the container (its /proc/net/tcp and tcp6, through `docker exec cat`, or from this computer's
/proc when the image has no cat and the engine runs here), the container's port table, and
whether the port answers on this computer."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine_bridge.streams.proc_net import Listener, listeners

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

#: What a diagnosis can find.
ANSWERS = "answers"  # the port answers on this computer: the trouble is in the program's page
NOT_RUNNING = "not-running"
HOST_PORT_TAKEN = "host-port-taken"
NOT_PUBLISHED = "not-published"
NOTHING_LISTENS = "nothing-listens"
LOOPBACK_ONLY = "loopback-only"
WRONG_PORT = "wrong-port"
NO_ANSWER_HERE = "no-answer-here"  # it listens, but the published port does not answer here
CANNOT_LOOK = "cannot-look"

_TAKEN = ("port is already allocated", "address already in use")


@dataclass(frozen=True)
class PortDiagnosis:
    """What the doctor found about a container's port, in words, with what to do."""

    cause: str
    title: str
    words: str
    hint: str = ""
    listening: tuple[Listener, ...] = ()


async def diagnose_port(bridge: EngineBridge, container_id: str, port: int) -> PortDiagnosis:
    """Why the container's TCP `port`, published or meant to be, shows nothing."""
    client = bridge.sdk_client
    host = bridge.endpoint.host
    # Ports the engine publishes reach this computer's 127.0.0.1 when it runs here (a local
    # socket) or in a VM forwarded to 127.0.0.1; only the former shares this computer's /proc.
    here = host.startswith(("unix://", "npipe://", "tcp://127.0.0.1:", "tcp://localhost:"))
    same_kernel = host.startswith("unix://")
    return await bridge.call(_diagnose, client, container_id, port, here, same_kernel)


def _diagnose(client: Any, container_id: str, port: int, here: bool,
              same_kernel: bool) -> PortDiagnosis:  # fmt: skip
    facts = client.api.inspect_container(container_id)
    name = str(facts.get("Name", "")).lstrip("/") or container_id[:12]
    state = facts.get("State") or {}
    wanted = f"{port}/tcp"
    asked = ((facts.get("HostConfig") or {}).get("PortBindings") or {}).get(wanted) or []
    if not state.get("Running"):
        error = str(state.get("Error") or "")
        if any(mark in error for mark in _TAKEN):
            return _taken(client, container_id, name, asked, error)
        status = state.get("Status", "not running")
        return PortDiagnosis(NOT_RUNNING, f"{name} is not running",
                             f"It is {status}: nothing in it can answer.",
                             "Start it, then try the page again.")  # fmt: skip
    published = ((facts.get("NetworkSettings") or {}).get("Ports") or {}).get(wanted) or []
    host_ports = sorted({int(b["HostPort"]) for b in published if b.get("HostPort")})
    if not host_ports:
        exposed = wanted in ((facts.get("Config") or {}).get("ExposedPorts") or {})
        return PortDiagnosis(
            NOT_PUBLISHED, f"Port {port} of {name} is not published",
            ("The image exposes it, but exposing only notes the port: it is not reachable from "
             "this computer until it is published." if exposed else
             "No port of this computer leads to it."),
            f"Recreate the container with the port published (docker run -p 8080:{port} …): "
            "Recreate with changes… in its menu keeps everything else.",
        )  # fmt: skip
    found = _listeners(client, container_id, state.get("Pid") if same_kernel else None)
    if found is None:
        return PortDiagnosis(
            CANNOT_LOOK, f"Dockyard cannot see what listens in {name}",
            "The image has no 'cat' to read the container's socket table with, and the engine "
            "does not run on this computer's kernel.",
            "Look at the container's logs: most servers say which address and port they "
            "listen on when they start.",
        )  # fmt: skip
    on_port = [listener for listener in found if listener.port == port]
    shown = tuple(found)
    if on_port and not any(listener.everywhere for listener in on_port):
        only = on_port[0].address
        return PortDiagnosis(
            LOOPBACK_ONLY, f"{name} listens on port {port} only inside itself",
            f"Its program listens on {only}, the container's own loopback address, which "
            "nothing outside the container can reach, the published port included.",
            "Make the program listen on 0.0.0.0 (all addresses): servers have an option or a "
            "setting for it, such as --host 0.0.0.0 or a bind or listen address.",
            shown,
        )  # fmt: skip
    if not on_port:
        if found:
            others = ", ".join(str(p) for p in sorted({listener.port for listener in found}))
            return PortDiagnosis(
                WRONG_PORT, f"Nothing in {name} listens on port {port}",
                f"Port {port} was published, but its program listens on {others}.",
                f"Publish the port it listens on instead (-p {host_ports[0]}:"
                f"{sorted({listener.port for listener in found})[0]}): Recreate with changes… "
                "in its menu.", shown,
            )  # fmt: skip
        return PortDiagnosis(
            NOTHING_LISTENS, f"Nothing in {name} listens on any port",
            "Its program has not opened a port: it may still be starting, it may have failed, "
            "or it is not a server.",
            "Read its logs to see what it is doing.", shown,
        )  # fmt: skip
    if not here:
        return PortDiagnosis(
            ANSWERS, f"{name} listens on port {port}",
            f"Its program listens on all addresses, and the port is published on the engine's "
            f"host as {', '.join(map(str, host_ports))}.",
            "Open it with the engine host's address; a firewall there may be in the way.", shown,
        )  # fmt: skip
    if any(_answers_here(b.get("HostIp", ""), int(b["HostPort"])) for b in published
           if b.get("HostPort")):  # fmt: skip
        return PortDiagnosis(
            ANSWERS, f"Port {host_ports[0]} answers",
            f"{name} listens on port {port} and this computer reaches it on port "
            f"{host_ports[0]}.",
            "If the page is still empty, the program answers with nothing to show or an "
            "error: read its logs.", shown,
        )  # fmt: skip
    return PortDiagnosis(
        NO_ANSWER_HERE, f"Port {host_ports[0]} does not answer on this computer",
        f"{name} listens on port {port}, but the published port does not lead to it from here.",
        "Restart the container; if that does not help, restart the engine (its port "
        "forwarding may have stopped).", shown,
    )  # fmt: skip


def _listeners(client: Any, container_id: str, pid: Any) -> list[Listener] | None:
    """What listens in the container: its own socket table, read with cat; else, given its
    process's `pid` on this computer, the table of that process's network namespace."""
    try:
        created = client.api.exec_create(container_id, ["cat", "/proc/net/tcp", "/proc/net/tcp6"])
        out = client.api.exec_start(created["Id"], demux=True)[0] or b""
        if client.api.exec_inspect(created["Id"]).get("ExitCode") in (0, 1) and out:
            return listeners(out.decode("ascii", "replace"))
    except Exception:  # no cat, or exec refused: try this computer's view
        pass
    if not pid:
        return None
    text = ""
    for table in ("tcp", "tcp6"):
        try:
            text += Path(f"/proc/{int(pid)}/net/{table}").read_text()
        except OSError:
            continue
    return listeners(text) if text else None


def _answers_here(host_ip: str, port: int) -> bool:
    address = "127.0.0.1" if host_ip in ("", "0.0.0.0") else "::1" if host_ip == "::" else host_ip
    try:
        with socket.create_connection((address, port), timeout=2):
            return True
    except OSError:
        return False


def _taken(client: Any, container_id: str, name: str, asked: list[dict[str, Any]],
           error: str) -> PortDiagnosis:  # fmt: skip
    ports = sorted({int(b["HostPort"]) for b in asked if str(b.get("HostPort", "")).isdigit()})
    holder = ""
    for other in client.api.containers():
        if other["Id"] == container_id:
            continue
        if any(p.get("PublicPort") in ports for p in other.get("Ports") or []):
            holder = (other.get("Names") or ["/another container"])[0].lstrip("/")
            break
    which = ", ".join(map(str, ports)) or "it asked for"
    by = (f"the container {holder} publishes it already" if holder
          else "another program on this computer uses it")  # fmt: skip
    return PortDiagnosis(
        HOST_PORT_TAKEN, f"Port {which} of this computer is taken",
        f"{name} could not start: {by}. The engine said: {error.strip()}",
        (f"Stop {holder}, or publish {name} on another port" if holder
         else f"Publish {name} on another port, or stop the program that uses it")
        + " (Recreate with changes… in its menu).",
    )  # fmt: skip
