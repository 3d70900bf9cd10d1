"""The window's stack of panes, each made the first time it is needed: shown, or asked for
by title. Start-up imports and builds only the panes the first window shows; the rest wait
in the stack as empty pages, so that their places (and Ctrl+1..9) never change."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop_app.panes import PaneContext, PaneEntry


class PaneStack(QStackedWidget):
    """One page per entry, in order. Signals: `made(QWidget)` once a pane is built and in
    its place (before it is shown).

    `panes` maps each title to its pane, building it on first access (so iterating its
    values builds every pane); `made_panes()` gives only those built so far."""

    made = Signal(object)

    def __init__(self, entries: tuple[PaneEntry, ...], context: PaneContext) -> None:
        super().__init__()
        self._entries = {entry.title: entry for entry in entries}
        self._context = context
        self._made: dict[str, QWidget] = {}
        self._places: dict[str, QWidget] = {}  # each pane's place until it is made
        for entry in entries:
            self._places[entry.title] = QWidget()
            self.addWidget(self._places[entry.title])
        self.panes = _Panes(self)

    def titles(self) -> list[str]:
        return list(self._entries)

    def pane(self, title: str) -> QWidget:
        """The pane called `title`, made now if it was not yet."""
        made = self._made.get(title)
        if made is not None:
            return made
        entry = self._entries[title]  # KeyError: no such pane
        pane = entry.load()(self._context)
        index = list(self._entries).index(title)
        place = self._places.pop(title)
        current = self.currentIndex()
        self._made[title] = pane
        self.insertWidget(index, pane)
        self.removeWidget(place)
        place.deleteLater()
        if current == index:
            self.setCurrentIndex(index)
        self.made.emit(pane)
        return pane

    def made_panes(self) -> dict[str, QWidget]:
        """The panes built so far, by title, in sidebar order."""
        return {title: self._made[title] for title in self._entries if title in self._made}

    def show_index(self, index: int) -> None:
        """Show the page at `index`, making its pane first."""
        titles = list(self._entries)
        if 0 <= index < len(titles):
            self.pane(titles[index])
        self.setCurrentIndex(index)


class _Panes(Mapping[str, QWidget]):
    """Every pane by its title, made on first access."""

    def __init__(self, stack: PaneStack) -> None:
        self._stack = stack

    def __getitem__(self, title: str) -> QWidget:
        return self._stack.pane(title)

    def __iter__(self) -> Iterator[str]:
        return iter(self._stack.titles())

    def __len__(self) -> int:
        return len(self._stack.titles())

    def __contains__(self, title: object) -> bool:
        return title in self._stack.titles()
