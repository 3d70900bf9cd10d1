"""StatsFeed: the engine's live stats as the UI takes them, redrawn at a steady pace.

Each view that shows stats says which containers it shows (`want(owner, ids)`); the feed
streams the union of them and nothing else. It does not signal per reading: a timer looks
whether anything new arrived and then emits `updated` once, at most `redraws_per_second`
times a second (once by default: the engine reads each container once a second), so a
hundred containers cost one redraw a second, not a hundred.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from engine_bridge import StatsHistory, StatsWatch


class StatsFeed(QObject):
    """Live stats of one engine.

    Signals: `updated()` when new readings arrived since the last one.
    Attributes: `watch` (the StatsWatch that streams; None until the engine is opened).
    """

    updated = Signal()

    def __init__(self, parent: QObject | None = None, redraws_per_second: float = 1.0) -> None:
        super().__init__(parent)
        self.watch: StatsWatch | None = None
        self._wants: dict[str, frozenset[str]] = {}
        self._seen = 0
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / min(redraws_per_second, 10.0)))
        self._timer.timeout.connect(self._on_tick)
        # Wants are applied once per turn of the loop: when one pane hides and another shows
        # the same containers, their streams carry on instead of stopping and starting again.
        self._apply_due = QTimer(self, singleShot=True, interval=0)
        self._apply_due.timeout.connect(self._apply)

    def want(self, owner: str, container_ids: Iterable[str]) -> None:
        """`owner` now shows these running containers (an empty set: none)."""
        # Even an unchanged set is passed on: a stream ends when its container stops, and a
        # container that restarted quickly is back in the same set needing a new stream.
        wanted = frozenset(container_ids)
        if wanted:
            self._wants[owner] = wanted
        else:
            self._wants.pop(owner, None)
        self._apply_due.start()

    def use(self, watch: StatsWatch) -> None:
        """Stream through `watch` from now on (once the engine is open)."""
        self.watch = watch
        self._seen = watch.version
        self._apply()

    def _apply(self) -> None:
        everything = self.wanted()
        if self.watch is None:
            return
        self.watch.watch(everything)
        if everything and not self._timer.isActive():
            self._timer.start()
        elif not everything:
            self._timer.stop()

    def wanted(self) -> frozenset[str]:
        return frozenset().union(*self._wants.values())

    def wanted_by(self, owner: str) -> frozenset[str]:
        return self._wants.get(owner, frozenset())

    def history(self, container_id: str) -> StatsHistory | None:
        return self.watch.history(container_id) if self.watch is not None else None

    def forget(self, container_ids: Iterable[str]) -> None:
        if self.watch is not None:
            for container_id in container_ids:
                self.watch.forget(container_id)

    async def close(self) -> None:
        self._timer.stop()
        self._apply_due.stop()
        self._wants.clear()
        if self.watch is not None:
            await self.watch.close()

    def _on_tick(self) -> None:
        if self.watch is not None and self.watch.version != self._seen:
            self._seen = self.watch.version
            self.updated.emit()
