"""What the Networks list shows for each network: no Qt."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from desktop_app.presentation import Column, ago
from engine_bridge import NetworkSummary

NAME, DRIVER, SUBNET, GATEWAY, CONTAINERS, PROJECT, FLAGS, CREATED = range(8)


def rows_of(networks: Iterable[NetworkSummary]) -> list[NetworkSummary]:
    return list(networks)


def flags(network: NetworkSummary) -> str:
    """What sets the network apart, in a few words."""
    found = []
    if network.internal:
        found.append("internal")
    if network.attachable:
        found.append("attachable")
    if network.ipv6:
        found.append("IPv6")
    if network.scope and network.scope != "local":
        found.append(network.scope)
    return ", ".join(found)


def containers_text(network: NetworkSummary, shown: int = 3) -> str:
    names = [a.name for a in network.containers[:shown]]
    more = len(network.containers) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


class NetworkRows:
    """The row format of the Networks list (panes.base.RowFormat)."""

    columns = (
        Column("Name", 200),
        Column(
            "Driver",
            80,
            tip="bridge: a private network on this engine's host; host: the "
            "host's own network; none: no network at all",
        ),
        Column("Subnet", 130),
        Column("Gateway", 110),
        Column(
            "Containers", 220, tip="The containers on it now, with their addresses in the details"
        ),
        Column("Project", 100, tip="The Compose project that made it"),
        Column("", 120),
        Column("Created"),
    )

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def key(self, row: NetworkSummary) -> str:
        return row.id

    def name(self, row: NetworkSummary) -> str:
        return row.name

    def text(self, row: NetworkSummary, column: int) -> str:
        if column == NAME:
            return f"{row.name}  · built in" if row.built_in else row.name
        if column == DRIVER:
            return row.driver
        if column == SUBNET:
            return ", ".join(row.subnets)
        if column == GATEWAY:
            return ", ".join(row.gateways)
        if column == CONTAINERS:
            return containers_text(row) if row.containers else "none"
        if column == PROJECT:
            return row.compose_project or ""
        if column == FLAGS:
            return flags(row)
        if column == CREATED:
            return ago(row.created, self.now)
        return ""

    def sort_key(self, row: NetworkSummary, column: int) -> str | int | float:
        if column == NAME:  # the built-in ones after the user's
            return f"{int(row.built_in)}{row.name.lower()}"
        if column == CONTAINERS:
            return len(row.containers)
        if column == CREATED:
            return row.created.timestamp() if row.created else 0.0
        return self.text(row, column).lower()

    def tooltip(self, row: NetworkSummary, column: int) -> str | None:
        if column == NAME and row.built_in:
            return "Made by the engine itself; it cannot be removed"
        if column == CONTAINERS and row.containers:
            return "\n".join(f"{a.name}: {a.ipv4 or a.ipv6 or 'no address'}"
                             for a in row.containers)  # fmt: skip
        return None

    def tone(self, row: NetworkSummary, column: int) -> str | None:
        if column == NAME and row.built_in:
            return "muted"
        if column == CONTAINERS and not row.containers:
            return "muted"
        return None

    def matches(self, row: NetworkSummary, words: str) -> bool:
        haystack = " ".join([row.name, row.driver, *row.subnets, *(a.name for a in row.containers),
                             row.compose_project or ""])  # fmt: skip
        return words.lower() in haystack.lower()
