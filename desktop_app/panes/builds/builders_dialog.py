"""Builders and the build cache: which builder the engine offers and which Dockyard drives,
whether `docker buildx` is there and what it would add, what the build cache holds, and a
prune with the exact list of what it removes and the command that does the same."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs import command_line, yes_and_cancel
from desktop_app.presentation import counted, decimal_size
from desktop_app.session import EngineSession
from engine_bridge import BuildCache, Builders, EngineError, plan_cache_prune, prune_build_cache

#: Choices of how long unused before a cache record may go: (words, duration for the
#: engine, the same as a timedelta).
AGES = (
    ("any time", "", timedelta(0)),
    ("a day", "24h", timedelta(hours=24)),
    ("a week", "168h", timedelta(days=7)),
)


#: Choices of how big the cache may stay: (words, bytes; 0 for no limit).
KEEPS = (("no limit", 0), ("1 GB", 1_000_000_000), ("5 GB", 5_000_000_000),
         ("10 GB", 10_000_000_000))  # fmt: skip


def builders_html(found: Builders) -> str:
    buildx = (
        f"<b>docker buildx</b>: installed ({escape(found.buildx)})."
        if found.buildx
        else "<b>docker buildx</b>: not installed. With it, Dockyard could list and drive "
        "BuildKit builders (in a container, on Kubernetes, on another machine), build for "
        "other platforms, and use BuildKit's cache mounts and secrets. Install the docker "
        "CLI's buildx plugin to get them."
    )
    buildkit = (
        "The engine can also run BuildKit builds, for a client that holds a session open with "
        "it (the docker CLI's buildx does; a Python client cannot)."
        if found.buildkit
        else "This engine is too old for BuildKit."
    )
    return (
        f"<p><b>The engine's builder</b> (Docker {escape(found.engine_version)}): its default "
        f"for builds is the <b>{found.default}</b> builder. Dockyard builds with the engine's "
        f"classic builder, which every engine has. {buildkit}</p><p>{buildx}</p>"
    )


class BuildersDialog(QDialog):
    """Attributes: `builders` (the words on builders), `usage`, `all_box`, `age_box`,
    `preview` (what a prune removes), `command`, `prune_button`, `cache` (as read)."""

    def __init__(self, session: EngineSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildersDialog")
        self.setWindowTitle("Builders and the build cache")
        self.resize(640, 560)
        self.session = session
        self.cache: BuildCache | None = None
        self.builders = QLabel("Asking the engine…")
        self.builders.setWordWrap(True)
        self.usage = QLabel()
        self.usage.setWordWrap(True)
        self.all_box = QComboBox()
        self.all_box.setAccessibleName("Which records")
        self.all_box.addItems(["Only records no image shares", "Every unused record (--all)"])
        self.age_box = QComboBox()
        self.age_box.setAccessibleName("Unused for")
        self.age_box.addItems([words for words, _d, _t in AGES])
        self.keep_box = QComboBox()
        self.keep_box.setAccessibleName("Keep at most")
        self.keep_box.addItems([words for words, _bytes in KEEPS])
        self.preview = QListWidget()
        self.preview.setAccessibleName("What the prune removes")
        self.command = command_line()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        theme.mark(self.outcome, "muted")
        form = QFormLayout()
        form.addRow("Remove:", self.all_box)
        form.addRow("Unused for at least:", self.age_box)
        form.addRow("Until the cache is down to:", self.keep_box)
        buttons, self.prune_button = yes_and_cancel(
            self, QDialogButtonBox.StandardButton.Ok, "Prune", on_yes=self._on_prune
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.builders)
        layout.addWidget(QLabel("<h3>The build cache</h3>"))
        layout.addWidget(self.usage)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(QLabel("The same with the docker command:"))
        layout.addWidget(self.command)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.all_box.currentIndexChanged.connect(self._refresh)
        self.age_box.currentIndexChanged.connect(self._refresh)
        self.keep_box.currentIndexChanged.connect(self._refresh)
        self._refresh()

    async def load(self) -> None:
        """Read the builders and the cache from the engine."""
        from engine_bridge import build_cache, builders

        bridge = self.session.bridge
        if bridge is None:
            return
        try:
            self.builders.setText(builders_html(await builders(bridge)))
            self.cache = await build_cache(bridge)
        except EngineError as exc:
            self.usage.setText(exc.in_words())
            return
        self._refresh()

    def _choices(self) -> tuple[bool, str, timedelta, int]:
        _words, duration, age = AGES[max(0, self.age_box.currentIndex())]
        keep = KEEPS[max(0, self.keep_box.currentIndex())][1]
        return self.all_box.currentIndex() == 1, duration, age, keep

    def _refresh(self) -> None:
        all_unused, duration, age, keep = self._choices()
        operation = prune_build_cache(all_unused, duration, keep)
        self.command.setText(shlex.join(operation.argv))
        self.preview.clear()
        cache = self.cache
        if cache is None:
            self.usage.setText("Reading the engine's disk usage…")
            self.prune_button.setEnabled(False)
            return
        self.usage.setText(
            f"BuildKit's cache: {counted(len(cache.entries), 'record')}, "
            f"{decimal_size(cache.size)}, of which {decimal_size(cache.reclaimable)} no build "
            f"uses now. The classic builder's cache is its intermediate images: "
            f"{counted(cache.intermediate_images, 'image')} here (docker images -a lists them; "
            "they go with the images built on them, not with this prune)."
        )
        going = plan_cache_prune(cache, all_unused, age, datetime.now(UTC), keep)
        for entry in going:
            when = "never"
            if entry.last_used is not None:
                when = entry.last_used.astimezone().strftime("%Y-%m-%d %H:%M")
            what = entry.description or entry.id[:12]
            size = decimal_size(entry.size)
            self.preview.addItem(f"{entry.kind or 'record'} · {size} · last used {when} · {what}")
        if not going:
            self.preview.addItem("Nothing: no record matches these choices.")
        self.prune_button.setEnabled(bool(going))

    @asyncSlot()
    async def _on_prune(self) -> None:
        all_unused, duration, _age, keep = self._choices()
        try:
            done = await self.session.perform(prune_build_cache(all_unused, duration, keep))
        except EngineError as exc:
            self.outcome.setText(exc.in_words())
            return
        self.outcome.setText(f"Freed {decimal_size(done.result or 0)}.")
        await self.load()
