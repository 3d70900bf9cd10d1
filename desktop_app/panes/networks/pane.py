"""The Networks pane: every network with its address plan and the containers on it."""

from __future__ import annotations

import html
import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget
from qasync import asyncSlot

from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.panes import PaneContext
from desktop_app.panes.base import ListPane
from desktop_app.panes.networks.rows import NetworkRows, rows_of
from desktop_app.presentation import counted
from desktop_app.tasks import LatestTask
from engine_bridge import (
    EngineError,
    EngineState,
    NetworkSummary,
    connect_container,
    create_network,
    disconnect_container,
    in_use_error,
    inspect_network,
    local_routes,
    plan_network_prune,
    prune_networks,
    remove_network,
    run_blocking,
)
from engine_bridge.specs.network_form import pool_room

if TYPE_CHECKING:
    from desktop_app.panes.networks.details import NetworkDetails


class NetworksPane(ListPane[NetworkSummary]):
    title = "Networks"
    kind = "network"
    topic = "networks"
    concept = "concept.networks"
    filter_hint = "Filter by name, subnet or container"
    fmt: NetworkRows = NetworkRows()

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self._inspecting = LatestTask("network-inspect")
        super().__init__(context, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def make_actions(self) -> None:
        self.create_action = self.action("Create…", "Ctrl+N", "Make a new network", self._on_create)
        self.remove_action = self.action(
            "Remove", QKeySequence.StandardKey.Delete, "Remove this network (none may be on it)",
            self._on_remove,
        )  # fmt: skip
        self.connect_action = self.action(
            "Connect…", "", "Put a container on this network", self._on_connect
        )
        self.disconnect_action = self.action(
            "Disconnect…", "", "Take a container off this network", self._on_disconnect
        )
        self.pools_action = self.action(
            "Address pools…", "", "The subnets in use, the host's routes, and the room left",
            self._on_pools,
        )  # fmt: skip
        self.prune_action = self.action(
            "Prune…", "", "Remove every network no container is on, after a preview",
            self._on_prune,
        )  # fmt: skip

    def update_actions(self) -> None:
        live = self.live
        chosen = self.selected()
        self.create_action.setEnabled(live)
        self.prune_action.setEnabled(live)
        self.pools_action.setEnabled(live)
        self.remove_action.setEnabled(live and chosen is not None and not chosen.built_in)
        joinable = chosen is not None and chosen.name not in ("host", "none")
        self.connect_action.setEnabled(live and joinable)
        self.disconnect_action.setEnabled(live and chosen is not None and bool(chosen.containers))

    def rows_from(self, state: EngineState) -> list[NetworkSummary]:
        return rows_of(state.of("network").values())

    def count_text(self, rows: Sequence[NetworkSummary]) -> str:
        if not rows:
            return ""
        mine = sum(1 for r in rows if not r.built_in)
        return f"{counted(len(rows), 'network')} · {mine} made by you or Compose"

    def make_details(self) -> NetworkDetails:
        from desktop_app.panes.networks.details import NetworkDetails

        return NetworkDetails()

    def show_details(self, row: NetworkSummary | None) -> None:
        details = self.details
        assert details is not None
        details.show_network(row)  # type: ignore[attr-defined]
        if row is not None and self.session is not None and self.session.bridge is not None:
            self._inspecting.start(self._inspect(row))

    async def _inspect(self, row: NetworkSummary) -> None:
        assert self.session is not None
        assert self.session.bridge is not None
        try:
            document = await inspect_network(self.session.bridge, row.id)
        except EngineError:
            return
        details = self.details
        if details is not None and details.network == row:  # type: ignore[attr-defined]
            details.show_network(row, document)  # type: ignore[attr-defined]

    def let_go(self) -> None:
        self._inspecting.cancel()

    # --- create, remove, prune -------------------------------------------------------------

    @asyncSlot()
    async def _on_create(self) -> None:
        await self.create_dialog()

    async def create_dialog(self) -> str | None:
        """Ask for a network and create it; its name, or None."""
        from desktop_app.panes.networks.create_dialog import CreateNetworkDialog

        rows = self.model.rows()
        subnets = {s: n.name for n in rows for s in n.subnets}
        routes = await run_blocking(None, local_routes)
        dialog = CreateNetworkDialog([n.name for n in rows], subnets, routes, self)
        if not await self.ask(dialog):
            return None
        form = dialog.form()
        done = await self.perform(create_network(form), done=f"Created network {form.name}.")
        if done is None:
            return None
        if done.result:
            self.select_when_listed(done.result)
        return form.name

    @asyncSlot()
    async def _on_remove(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if chosen.containers:
            self.say(in_use_error(chosen).in_words(), bad=True)
            return
        await self.perform(remove_network(chosen), key=chosen.id, done=f"Removed {chosen.name}.")

    @asyncSlot()
    async def _on_connect(self) -> None:
        await self.connect_dialog()

    async def connect_dialog(self) -> bool:
        """Connect a container to the selected network; whether it was."""
        from desktop_app.dialogs.connect_network import ConnectDialog

        chosen = self.selected()
        state = self.session.state if self.session is not None else None
        if chosen is None or state is None:
            return False
        on_it = {a.name for a in chosen.containers}
        names = sorted(c.name for c in state.of("container").values() if c.name not in on_it)
        dialog = ConnectDialog([chosen], names, self)
        if not await self.ask(dialog):
            return False
        container, aliases, address = dialog.values()
        operation = connect_container(chosen.name, container, aliases, address)
        said = f"Connected {container} to {chosen.name}."
        return await self.perform(operation, key=chosen.id, done=said) is not None

    @asyncSlot()
    async def _on_disconnect(self) -> None:
        await self.disconnect_dialog()

    async def disconnect_dialog(self) -> None:
        """Ask which container to take off the selected network, and do it."""
        chosen = self.selected()
        if chosen is None or not chosen.containers:
            return
        dialog = ChoiceDialog(
            f"Disconnect from {chosen.name}",
            f"Take which container off <b>{html.escape(chosen.name)}</b>? It keeps running, "
            "on its other networks.",
            [(a.name, a.name) for a in chosen.containers],
            self,
        )
        if not await self.ask(dialog) or dialog.chosen is None:
            return
        await self.perform(disconnect_container(chosen.name, dialog.chosen), key=chosen.id,
                           done=f"Disconnected {dialog.chosen} from {chosen.name}.")  # fmt: skip

    @asyncSlot()
    async def _on_pools(self) -> None:
        await self.pools_page()

    async def pools_page(self) -> str:
        """Show the address plan: subnets in use, the host's routes and the room left in the
        engine's default pools. Returns the page's text."""
        routes = await run_blocking(None, local_routes)
        rows = sorted(self.model.rows(), key=lambda n: n.name)
        used = [(s, n.name) for n in rows for s in n.subnets]
        free, total = pool_room([s for s, _n in used], routes)
        clash = {r for r in routes if any(_overlap(r, s) for s, _n in used)}
        in_use = "".join(f"<tr><td>{html.escape(s)}</td><td>{html.escape(n)}</td></tr>"
                         for s, n in used)  # fmt: skip
        marked = " <b>(a network uses part of it)</b>"
        routed = (
            "".join(f"<li>{html.escape(r)}{marked if r in clash else ''}</li>" for r in routes)
            or "<li>none found (the engine may be on another machine)</li>"
        )
        page = (
            f"<h3>Subnets in use</h3><table cellpadding='3'>{in_use}</table>"
            f"<h3>Networks this machine routes to</h3><ul>{routed}</ul>"
            f"<h3>Room for new networks</h3><p>{free} of the {total} subnets an engine hands "
            "out by default (172.17 to 172.31 as /16s, 192.168 as /20s) are still free here, "
            "unless the engine's configuration (default-address-pools) says otherwise. A "
            "network created with its own --subnet takes none of them.</p>"
        )
        self.window().open_reading("Address pools", page)  # type: ignore[attr-defined]
        return page

    @asyncSlot()
    async def _on_prune(self) -> None:
        await self.prune_dialog()

    async def prune_dialog(self, label: str = "") -> list[str] | None:
        """Preview and prune; `label` ("key" or "key=value") limits it to networks that
        carry it, as `--filter label=` does."""
        going = plan_network_prune(self.model.rows(), label)
        operation = prune_networks(label)
        names = "".join(f"<li>{html.escape(n.name)}</li>" for n in going)
        if not going:
            self.say("Nothing to prune: a container is on every network you made.")
            return []
        dialog = ChoiceDialog(
            "Prune networks",
            f"These {counted(len(going), 'network')} have no container on them and would go:"
            f"<ul>{names}</ul>The same with the docker command: "
            f"<code>{html.escape(operation.command)}</code>",
            [("prune", "Remove them")],
            self,
            destructive=("prune",),
        )
        if not await self.ask(dialog) or dialog.chosen != "prune":
            return None
        done = await self.perform(operation)
        if done is None:
            return None
        removed = done.result or []
        self.say(f"Removed {counted(len(removed), 'network')}.")
        return removed


def _overlap(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False))
    except (ValueError, TypeError):
        return False
