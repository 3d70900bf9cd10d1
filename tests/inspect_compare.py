"""What a user would compare between two containers that should be made alike: their
configuration, host configuration, networks and mounts as `docker inspect` shows them,
leaving out only what must differ (ID, name, creation time, state, addresses the engine
picks) and the engine's own defaults (a hostname taken from the ID, the ID as an alias)."""

from __future__ import annotations

import re
from typing import Any

ANONYMOUS = re.compile(r"[0-9a-f]{64}")


def comparable(data: dict[str, Any], *, same_volumes: bool = True) -> dict[str, Any]:
    """The parts of an inspect document that make the container what it is.

    `same_volumes` False compares a copy, whose anonymous volumes are new ones."""
    short = str(data["Id"])[:12]
    name = str(data["Name"]).lstrip("/")
    config = dict(data["Config"])
    if config.get("Hostname") == short:
        config.pop("Hostname")
    # The environment is a set of names: its order does not change what runs (the docker CLI
    # has been seen to hand -e values to the engine in another order than typed).
    config["Env"] = sorted(config.get("Env") or []) or None
    host = dict(data["HostConfig"])
    # A recreated container mounts its predecessor's anonymous volumes by name.
    host["Binds"] = sorted(b for b in host.get("Binds") or []
                           if not ANONYMOUS.match(b.split(":")[0])) or None  # fmt: skip
    host["Links"] = (
        sorted(link.replace(f"/{name}/", "/<self>/") for link in host.get("Links") or []) or None
    )
    networks = {
        net: {
            "Aliases": sorted(a for a in (n.get("Aliases") or []) if a != short) or None,
            "IPAMConfig": {k: v for k, v in (n.get("IPAMConfig") or {}).items() if v} or None,
            "Links": n.get("Links"),
            "DriverOpts": n.get("DriverOpts") or None,
        }
        for net, n in ((data.get("NetworkSettings") or {}).get("Networks") or {}).items()
    }
    mounts = sorted(
        (
            m["Type"],
            "<anonymous>" if not same_volumes and ANONYMOUS.fullmatch(str(m.get("Name") or ""))
            else str(m.get("Name") or m.get("Source") or ""),
            m["Destination"],
            # Mounted again by name, an anonymous volume shows the engine's "z" mode.
            "" if ANONYMOUS.fullmatch(str(m.get("Name") or "")) else m.get("Mode", ""),
            bool(m.get("RW")), m.get("Propagation", ""),
        )
        for m in data.get("Mounts") or []
    )  # fmt: skip
    return {"Config": config, "HostConfig": host, "Networks": networks, "Mounts": mounts}


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Each field that differs, as "HostConfig.CapAdd: [...] != [...]"."""
    found = []
    for part in before:
        old, new = before[part], after.get(part)
        if isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    found.append(f"{part}.{key}: {old.get(key)!r} != {new.get(key)!r}")
        elif isinstance(old, list) and isinstance(new, list) and old != new:
            gone = [x for x in old if x not in new]
            added = [x for x in new if x not in old]
            found.append(f"{part}: only before {gone!r}, only after {added!r}")
        elif old != new:
            found.append(f"{part}: {old!r} != {new!r}")
    return found
