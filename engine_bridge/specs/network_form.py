"""What a user asks a new network to be: name, driver, address plan, options and labels;
checked in words (a subnet that overlaps another network or a route of the host is refused),
and said as the `docker network create` command and the Engine API's request.

Pure: the subnets in use and the host's routes are given by the caller.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
DRIVERS = ("bridge", "macvlan", "ipvlan")


@dataclass(frozen=True)
class NetworkForm:
    name: str
    driver: str = "bridge"
    subnet: str = ""
    gateway: str = ""
    ip_range: str = ""
    internal: bool = False
    attachable: bool = False
    ipv6: bool = False
    labels: tuple[tuple[str, str], ...] = ()


def problems(
    form: NetworkForm,
    taken_names: Iterable[str] = (),
    subnets_in_use: Mapping[str, str] | None = None,
    host_routes: Iterable[str] = (),
) -> dict[str, str]:
    """What is wrong, by field. `subnets_in_use` maps each subnet to the network using it;
    `host_routes` are the host's routed networks (e.g. "192.168.1.0/24")."""
    found: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        found["name"] = "Give the network a name."
    elif not _NAME.match(name):
        found["name"] = (f"'{name}' cannot be a network name: use letters, digits, and . _ - "
                         "(not first).")  # fmt: skip
    elif name in set(taken_names):
        found["name"] = f"There is a network named {name} already."
    subnet = None
    if form.subnet.strip():
        try:
            subnet = ipaddress.ip_network(form.subnet.strip(), strict=True)
        except ValueError as exc:
            found["subnet"] = (f"'{form.subnet}' is not a subnet ({exc}): write it as "
                               "address/prefix, e.g. 10.10.0.0/24.")  # fmt: skip
    if subnet is not None:
        for other, owner in (subnets_in_use or {}).items():
            try:
                if subnet.overlaps(ipaddress.ip_network(other, strict=False)):
                    found["subnet"] = (f"{subnet} overlaps {other}, which network {owner} "
                                       "uses: choose another range.")  # fmt: skip
                    break
            except (ValueError, TypeError):
                continue
        else:
            for route in host_routes:
                try:
                    if subnet.overlaps(ipaddress.ip_network(route, strict=False)):
                        found["subnet"] = (f"{subnet} overlaps {route}, a network this "
                                           "machine routes to: containers could no longer "
                                           "reach it. Choose another range.")  # fmt: skip
                        break
                except (ValueError, TypeError):
                    continue
    for key, value in (("gateway", form.gateway), ("ip_range", form.ip_range)):
        if not value.strip():
            continue
        if subnet is None:
            found[key] = "Give the subnet first: this must lie inside it."
            continue
        try:
            inside = (
                ipaddress.ip_address(value.strip()) in subnet
                if key == "gateway"
                else ipaddress.ip_network(value.strip(), strict=True).subnet_of(subnet)  # type: ignore[arg-type]
            )
        except (ValueError, TypeError) as exc:
            found[key] = f"'{value}' is not an address here ({exc})."
            continue
        if not inside:
            found[key] = f"{value} is not inside {subnet}."
    for label, _value in form.labels:
        if not label.strip():
            found["labels"] = "A label needs a name."
    return found


def create_request(form: NetworkForm) -> dict[str, Any]:
    """The keyword arguments of the SDK's create_network for the form."""
    ipam = None
    if form.subnet.strip():
        pool: dict[str, str] = {"subnet": form.subnet.strip()}
        if form.gateway.strip():
            pool["gateway"] = form.gateway.strip()
        if form.ip_range.strip():
            pool["iprange"] = form.ip_range.strip()
        ipam = {"Driver": "default", "Config": [pool]}
    return {
        "name": form.name.strip(), "driver": form.driver, "internal": form.internal,
        "attachable": form.attachable, "enable_ipv6": form.ipv6,
        "labels": dict(form.labels) or None, "ipam": ipam,
    }  # fmt: skip


def docker_command(form: NetworkForm) -> list[str]:
    argv = ["docker", "network", "create"]
    if form.driver != "bridge":
        argv += ["--driver", form.driver]
    for flag, value in (("--subnet", form.subnet), ("--gateway", form.gateway),
                        ("--ip-range", form.ip_range)):  # fmt: skip
        if value.strip():
            argv += [flag, value.strip()]
    argv += [flag for flag, on in (("--internal", form.internal), ("--attachable", form.attachable),
                                   ("--ipv6", form.ipv6)) if on]  # fmt: skip
    for label, value in form.labels:
        argv += ["--label", f"{label}={value}"]
    argv.append(form.name.strip())
    return argv


def docker_text(form: NetworkForm) -> str:
    return shlex.join(docker_command(form))


def default_pools() -> list[ipaddress.IPv4Network]:
    """The subnets an engine hands out to new networks when its configuration does not say
    otherwise: 172.17-31.x.x as /16s, then 192.168.x.x as /20s."""
    wide = [ipaddress.IPv4Network(f"172.{n}.0.0/16") for n in range(17, 32)]
    narrow = list(ipaddress.IPv4Network("192.168.0.0/16").subnets(new_prefix=20))
    return wide + narrow


def pool_room(in_use: Iterable[str], routes: Iterable[str]) -> tuple[int, int]:
    """(how many of the default pools' subnets are still free, how many there are): a subnet
    is taken when a network uses it or it overlaps a route of the host."""
    taken = []
    for text in [*in_use, *routes]:
        with contextlib.suppress(ValueError):
            taken.append(ipaddress.ip_network(text, strict=False))
    pools = default_pools()
    free = [p for p in pools if not any(p.overlaps(t) for t in taken if t.version == 4)]
    return len(free), len(pools)
