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
    subnet6: str = ""
    gateway6: str = ""


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
    subnet = _checked_subnet(form.subnet, 4, found, "subnet", subnets_in_use, host_routes)
    subnet6 = _checked_subnet(form.subnet6, 6, found, "subnet6", subnets_in_use, ())
    if form.ipv6 and not form.subnet6.strip() and "subnet6" not in found:
        found["subnet6"] = ("IPv6 needs a subnet of its own, e.g. fd00:1:2::/64: an engine "
                            "hands out no IPv6 range unless configured to.")  # fmt: skip
    if form.subnet6.strip() and not form.ipv6:
        found["subnet6"] = "Tick IPv6 to give the network an IPv6 subnet."
    for key, value, within in (("gateway", form.gateway, subnet),
                               ("ip_range", form.ip_range, subnet),
                               ("gateway6", form.gateway6, subnet6)):  # fmt: skip
        if not value.strip():
            continue
        if within is None:
            found[key] = "Give the subnet first: this must lie inside it."
            continue
        try:
            inside = (
                ipaddress.ip_address(value.strip()) in within
                if key != "ip_range"
                else ipaddress.ip_network(value.strip(), strict=True).subnet_of(within)  # type: ignore[arg-type]
            )
        except (ValueError, TypeError) as exc:
            found[key] = f"'{value}' is not an address here ({exc})."
            continue
        if not inside:
            found[key] = f"{value} is not inside {within}."
    for label, _value in form.labels:
        if not label.strip():
            found["labels"] = "A label needs a name."
    return found


def _checked_subnet(
    text: str,
    version: int,
    found: dict[str, str],
    key: str,
    subnets_in_use: Mapping[str, str] | None,
    host_routes: Iterable[str],
) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The subnet typed in field `key`, or None (with what is wrong put in `found`)."""
    if not text.strip():
        return None
    example = "10.10.0.0/24" if version == 4 else "fd00:1:2::/64"
    try:
        subnet = ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        found[key] = (f"'{text}' is not a subnet ({exc}): write it as address/prefix, e.g. "
                      f"{example}.")  # fmt: skip
        return None
    if subnet.version != version:
        other = "IPv6 subnet field" if version == 4 else "Subnet field"
        found[key] = f"{subnet} is an IPv{subnet.version} subnet: it goes in the {other}."
        return None
    for other_subnet, owner in (subnets_in_use or {}).items():
        with contextlib.suppress(ValueError, TypeError):
            if subnet.overlaps(ipaddress.ip_network(other_subnet, strict=False)):
                found[key] = (f"{subnet} overlaps {other_subnet}, which network {owner} "
                              "uses: choose another range.")  # fmt: skip
                return subnet
    for route in host_routes:
        with contextlib.suppress(ValueError, TypeError):
            if subnet.overlaps(ipaddress.ip_network(route, strict=False)):
                found[key] = (f"{subnet} overlaps {route}, a network this machine routes "
                              "to: containers could no longer reach it. Choose another "
                              "range.")  # fmt: skip
                return subnet
    return subnet


def create_request(form: NetworkForm) -> dict[str, Any]:
    """The keyword arguments of the SDK's create_network for the form."""
    pools: list[dict[str, str]] = []
    if form.subnet.strip():
        pool: dict[str, str] = {"subnet": form.subnet.strip()}
        if form.gateway.strip():
            pool["gateway"] = form.gateway.strip()
        if form.ip_range.strip():
            pool["iprange"] = form.ip_range.strip()
        pools.append(pool)
    if form.subnet6.strip():
        pool6 = {"subnet": form.subnet6.strip()}
        if form.gateway6.strip():
            pool6["gateway"] = form.gateway6.strip()
        pools.append(pool6)
    ipam = {"Driver": "default", "Config": pools} if pools else None
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
                        ("--ip-range", form.ip_range), ("--subnet", form.subnet6),
                        ("--gateway", form.gateway6)):  # fmt: skip
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
