"""The TCP sockets listening in a network namespace, read from what Linux prints in
/proc/net/tcp and /proc/net/tcp6 (the addresses in hex, in the kernel's byte order)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

#: The state column's value for a listening socket.
_LISTEN = "0A"


@dataclass(frozen=True)
class Listener:
    address: str  # "0.0.0.0", "127.0.0.1", "::", "::1", ...
    port: int

    @property
    def everywhere(self) -> bool:
        """Listening on every address of the namespace (what a published port reaches)."""
        return self.address in ("0.0.0.0", "::")

    @property
    def loopback_only(self) -> bool:
        return ipaddress.ip_address(self.address).is_loopback


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    # IPv6: four 32-bit words, each in the kernel's (little-endian) order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    address = ipaddress.IPv6Address(words)
    mapped = address.ipv4_mapped
    return str(mapped) if mapped is not None else str(address)


def listeners(text: str) -> list[Listener]:
    """The listening sockets in the text of /proc/net/tcp and/or /proc/net/tcp6 (headings and
    other lines are skipped), without repeats, by port."""
    found: set[Listener] = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != _LISTEN or ":" not in fields[1]:
            continue
        hex_address, _, hex_port = fields[1].partition(":")
        try:
            found.add(Listener(_address(hex_address), int(hex_port, 16)))
        except ValueError:
            continue
    return sorted(found, key=lambda listener: (listener.port, listener.address))
