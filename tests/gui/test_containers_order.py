"""The Containers list's order and filter, on the model, its filter and a tree view as the
pane sets them up, fed changes as the engine's events bring them: rows stay in the order
the user chose as they come, change and go, and the filter finds what the box says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeView
from pytestqt.qtbot import QtBot

from desktop_app.panes.containers.filter import ContainerFilter
from desktop_app.panes.containers.model import (
    CONTAINER_ROLE,
    CREATED,
    NAME,
    STATUS,
    ContainersModel,
)
from engine_bridge import ContainerSummary
from engine_bridge.state import Change

MADE = datetime(2026, 11, 1, tzinfo=UTC)


def container(name: str, state: str = "running", project: str | None = None,
              age_s: int = 0) -> ContainerSummary:  # fmt: skip
    labels = {"com.docker.compose.project": project} if project else {}
    return ContainerSummary(id=f"id-{name}", name=name, image="busybox", image_id="sha256:1",
                            command="", state=state, status="", labels=labels,
                            created=MADE - timedelta(seconds=age_s))  # fmt: skip


def shown(proxy: ContainerFilter, parent: QModelIndex | None = None) -> list[str]:
    """The rows' names top to bottom, a project's containers after its row."""
    parent = parent or QModelIndex()
    names: list[str] = []
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, 0, parent)
        names.append(str(index.data()))
        names += [f"  {n}" for n in shown(proxy, index)]
    return names


def setup(qtbot: QtBot) -> tuple[ContainersModel, ContainerFilter, QTreeView]:
    model = ContainersModel()
    proxy = ContainerFilter()
    proxy.setSourceModel(model)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    view.show()
    return model, proxy, view


def add(model: ContainersModel, *containers: ContainerSummary) -> None:
    model.apply([Change("container", "insert", c.id, c) for c in containers])


def test_rows_keep_the_chosen_order_as_they_come_change_and_go(qtbot: QtBot) -> None:
    model, proxy, view = setup(qtbot)
    add(model, container("web"), container("api", "exited"), container("db", project="shop"))
    assert shown(proxy) == ["api", "shop", "  db", "web"]
    # One at a time, and many at once (one change of layout), each to its place.
    add(model, container("cache", project="shop"), container("batch"))
    many = [container(f"job{n:02d}", "exited") for n in range(30)]
    add(model, *many)
    names = shown(proxy)
    assert names[:4] == ["api", "batch", "job00", "job01"]
    assert names[-4:] == ["shop", "  cache", "  db", "web"]

    # By Status: running first, then by name; a container that stops moves down.
    view.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
    assert shown(proxy)[:4] == ["batch", "shop", "  cache", "  db"]
    stopped = container("batch", "exited")
    model.apply([Change("container", "change", stopped.id, stopped)])
    assert shown(proxy)[:4] == ["shop", "  cache", "  db", "web"]
    assert shown(proxy)[4:6] == ["api", "batch"]

    # One batch that changes a row and then removes it (events arrive that way).
    going = container("batch", "running")
    model.apply([Change("container", "change", going.id, going),
                 Change("container", "remove", going.id, going)])  # fmt: skip
    assert "batch" not in shown(proxy)

    # Newest first by Created, the header's other way; removals leave the rest in order.
    for c in many:
        model.apply([Change("container", "change", c.id, c)])
    model.apply([Change("container", "remove", c.id, c) for c in many])
    add(model, container("old", age_s=500), container("new", age_s=-500))
    view.sortByColumn(CREATED, Qt.SortOrder.DescendingOrder)
    top = [n for n in shown(proxy) if not n.startswith(" ")]
    assert top[0] == "new"
    assert top[-2:] == ["old", "shop"]  # a project's row has no time of its own: last
    assert proxy.sortColumn() == -1  # the filter never sorts: the model keeps the order


def test_a_project_that_stops_moves_below_the_running_rows(qtbot: QtBot) -> None:
    model, proxy, view = setup(qtbot)
    add(model, container("a", "exited"), container("z"), container("db", project="shop"))
    view.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
    assert shown(proxy) == ["shop", "  db", "z", "a"]
    stopped = container("db", "exited", project="shop")
    model.apply([Change("container", "change", stopped.id, stopped)])
    assert shown(proxy) == ["z", "a", "shop", "  db"]


def test_the_filter_finds_by_name_image_id_or_project_and_hides_stopped(
    qtbot: QtBot,
) -> None:
    model, proxy, _view = setup(qtbot)
    add(model, container("web"), container("redis-cache", "exited"),
        container("db", "exited", project="shop"),
        container("shop-front", project="mall"))  # fmt: skip
    proxy.set_text("SHOP")
    assert shown(proxy) == ["mall", "  shop-front", "shop", "  db"]
    proxy.set_text("r")  # not the running's mark: a name, image, ID or project with an r
    assert shown(proxy) == ["mall", "  shop-front", "redis-cache"]
    proxy.set_text("busybox")
    assert len([n for n in shown(proxy) if n.startswith("  ") or "-" in n or n == "web"]) == 4
    proxy.set_text("")
    proxy.set_show_stopped(False)
    assert shown(proxy) == ["mall", "  shop-front", "web"]
    chosen = [proxy.index(r, 0).data(CONTAINER_ROLE) for r in range(proxy.rowCount())]
    assert all(proxy.accepts(c) for c in chosen if c is not None)
    assert not proxy.accepts(container("redis-cache", "exited"))


def test_a_storm_of_removals_keeps_the_view_whole(qtbot: QtBot) -> None:
    """Hundreds of rows removed in one change (alone, and with the last container of a
    Compose project): the sorted view shows exactly the rest, the chosen row stays chosen,
    and nothing the view still held points at a row that went."""

    def numbered(n: int) -> ContainerSummary:
        return container(f"c{n:04d}", "exited", project=f"p{n % 7}" if n % 3 == 0 else None)

    model, proxy, view = setup(qtbot)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    everyone = [numbered(n) for n in range(600)]
    model.apply([Change("container", "insert", c.id, c) for c in everyone])
    view.expandAll()
    kept = "c0599"
    start = next(proxy.index(r, 0) for r in range(proxy.rowCount())
                 if proxy.index(r, 0).data() == kept)  # fmt: skip
    view.selectionModel().select(start, view.selectionModel().SelectionFlag.ClearAndSelect
                                 | view.selectionModel().SelectionFlag.Rows)  # fmt: skip
    going = [c for c in everyone if c.name != kept and c.name < "c0500"]
    model.apply([Change("container", "remove", c.id, c) for c in going])
    qtbot.wait(50)
    assert {c.name for c in model.containers()} == {c.name for c in everyone} - {
        c.name for c in going}  # fmt: skip
    chosen = [proxy.mapToSource(i).internalPointer() for i in view.selectionModel().selectedRows()]
    assert [n.container.name for n in chosen] == [kept]
    # Every row the view can reach is a live one (painting walks them all).
    view.grab()
    shown = 0
    for row in range(proxy.rowCount()):
        top = proxy.index(row, 0)
        shown += 1 if proxy.rowCount(top) == 0 else proxy.rowCount(top)
    assert shown == 100
