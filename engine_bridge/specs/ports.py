"""Published ports: `-p [ip:][host[-end]:]container[-end][/tcp|udp|sctp]`."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from engine_bridge.specs import SpecError

PROTOCOLS = ("tcp", "udp", "sctp")


@dataclass(frozen=True)
class PortRange:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start + 1

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


@dataclass(frozen=True)
class PortMapping:
    """One `-p` flag. `host` is None when the engine picks a free host port."""

    container: PortRange
    protocol: str = "tcp"
    host: PortRange | None = None
    host_ip: str = ""

    def __str__(self) -> str:
        ip = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip
        inside = f"{self.container}/{self.protocol}"
        if ip:
            return f"{ip}:{self.host or ''}:{inside}"
        if self.host is not None:
            return f"{self.host}:{inside}"
        return inside

    def bindings(self) -> dict[str, list[tuple[str, str]]]:
        """Port bindings as the Engine API wants them: {"80/tcp": [(ip, "8080")]}."""
        found: dict[str, list[tuple[str, str]]] = {}
        for offset in range(len(self.container)):
            key = f"{self.container.start + offset}/{self.protocol}"
            if self.host is None:
                host_port = ""
            elif len(self.host) == len(self.container):
                host_port = str(self.host.start + offset)
            else:  # one container port, a range of host ports: the engine picks one of them
                host_port = str(self.host)
            found.setdefault(key, []).append((self.host_ip, host_port))
        return found


def _port_range(text: str, what: str) -> PortRange:
    start_text, _, end_text = text.partition("-")
    try:
        start = int(start_text)
        end = int(end_text) if end_text else start
    except ValueError:
        raise SpecError(f"{what} '{text}' is not a number or a range like 8000-8010.") from None
    for number in (start, end):
        if not 1 <= number <= 65535:
            raise SpecError(f"{what} {number} is out of range: ports go from 1 to 65535.")
    if end < start:
        raise SpecError(f"{what} range '{text}' ends before it starts.")
    return PortRange(start, end)


def parse_port(text: str) -> PortMapping:
    """Parse one `-p` value, e.g. "8080:80", "127.0.0.1::80/udp", "[::1]:53:53/udp"."""
    spec = text.strip()
    if not spec:
        raise SpecError("The port is empty. Write it as host:container, for example 8080:80.")
    spec, _, protocol = spec.partition("/")
    protocol = protocol.lower() or "tcp"
    if protocol not in PROTOCOLS:
        raise SpecError(f"'{protocol}' is not a protocol: use tcp, udp or sctp.")
    host_ip = ""
    if spec.startswith("["):
        close = spec.find("]")
        if close < 0 or spec[close + 1 : close + 2] != ":":
            raise SpecError(f"'{text}': an IPv6 address goes in brackets, as [::1]:8080:80.")
        host_ip, spec = spec[1:close], spec[close + 2 :]
        parts = spec.split(":")
        if len(parts) != 2:
            raise SpecError(f"'{text}': after the address write host-port:container-port.")
        host_text, container_text = parts
    else:
        parts = spec.split(":")
        if len(parts) == 1:
            host_text, container_text = "", parts[0]
        elif len(parts) == 2:
            host_text, container_text = parts
        elif len(parts) == 3:
            host_ip, host_text, container_text = parts
        else:
            raise SpecError(
                f"'{text}' has too many colons. Write ip:host:container, with an IPv6 address "
                "in brackets."
            )
    if host_ip:
        _check_ip(host_ip, text)
    container = _port_range(container_text, "Container port")
    # Host port 0, as an empty one, means any free port the engine picks.
    host = _port_range(host_text, "Host port") if host_text and host_text != "0" else None
    if host is not None and len(host) != len(container) and len(container) != 1:
        raise SpecError(
            f"'{text}': the host range has {len(host)} ports and the container range "
            f"{len(container)}; they must be the same length."
        )
    return PortMapping(container, protocol, host, host_ip)


def _check_ip(ip: str, text: str) -> None:
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise SpecError(f"'{ip}' in '{text}' is not an IP address.") from None
