"""ImageDetails: one image looked at closely, under the list: its layers and the steps that
made them, its configuration (Entrypoint, Cmd, Env, ports...), and its digests, with what
the registry says of it and the pull command by digest."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.images.rows import ImageRow
from desktop_app.presentation import decimal_size
from desktop_app.session import EngineSession
from desktop_app.tasks import LatestTask
from engine_bridge import (
    CredentialStore,
    EngineError,
    image_layers,
    inspect_image,
    registry_manifest,
    run_blocking,
)
from engine_bridge.specs.image_layers import ImageLayer
from engine_bridge.specs.image_ref import parse_image_ref

LAYER_COLUMNS = ("#", "Instruction", "Size", "Shared with")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _note(words: str) -> QLabel:
    label = QLabel(words)
    label.setWordWrap(True)
    theme.mark(label, "muted")
    return label


def _value(words: str, mono: bool = False) -> QLabel:
    label = QLabel(words)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if mono:
        label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


class ImageDetails(QTabWidget):
    """Tabs for the image of `row`; `show_row()` loads another one, cancelling the last.

    Attributes: `layers` (table), `config_form`, `digest_form`, `platforms` (table),
    `pull_by_digest` (the command), `registry_state` (what asking the registry gave).
    """

    def __init__(self, credentials: CredentialStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageDetails")
        self.session: EngineSession | None = None
        self.credentials = credentials
        self.row: ImageRow | None = None
        self._loading = LatestTask("image details")

        layers_page = QWidget()
        self.layers = QTableWidget(0, len(LAYER_COLUMNS))
        self.layers.setObjectName("layersTable")
        self.layers.setHorizontalHeaderLabels(LAYER_COLUMNS)
        self.layers.verticalHeader().hide()
        self.layers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.layers.setWordWrap(False)
        header = self.layers.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 36), (2, 90), (3, 200)):
            self.layers.setColumnWidth(column, width)
        layers_layout = QVBoxLayout(layers_page)
        layers_layout.addWidget(_note(text("images.layers")))
        layers_layout.addWidget(self.layers, 1)
        self.addTab(layers_page, "Layers")

        config_page = QWidget()
        self.config_form = QFormLayout(config_page)
        config_scroll = QScrollArea()
        config_scroll.setWidgetResizable(True)
        config_scroll.setWidget(config_page)
        self.addTab(config_scroll, "Configuration")

        digest_page = QWidget()
        self.digest_form = QFormLayout()
        self.pull_by_digest = _value("", mono=True)
        self.pull_by_digest.setObjectName("pullByDigest")
        copy = QPushButton("Copy")
        copy.setObjectName("copyPullByDigest")
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.pull_by_digest.text())
        )
        pull_row = QHBoxLayout()
        pull_row.addWidget(self.pull_by_digest, 1)
        pull_row.addWidget(copy)
        self.ask_registry = QPushButton("Ask the registry")
        self.ask_registry.setObjectName("askRegistry")
        self.ask_registry.setToolTip("What the registry holds under this tag now (manifest)")
        self.ask_registry.clicked.connect(self._on_ask_registry)
        self.registry_state = _note("")
        self.registry_state.setObjectName("registryState")
        self.platforms = QTableWidget(0, 3)
        self.platforms.setObjectName("platformsTable")
        self.platforms.setHorizontalHeaderLabels(["OS", "Architecture", "Variant"])
        self.platforms.verticalHeader().hide()
        self.platforms.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.platforms.setMaximumHeight(120)
        digest_layout = QVBoxLayout(digest_page)
        digest_layout.addWidget(_note(text("images.digest")))
        digest_layout.addLayout(self.digest_form)
        digest_layout.addWidget(QLabel("Pull exactly this image:"))
        digest_layout.addLayout(pull_row)
        asking = QHBoxLayout()
        asking.addWidget(self.ask_registry)
        asking.addWidget(self.registry_state, 1)
        digest_layout.addLayout(asking)
        digest_layout.addWidget(self.platforms)
        digest_layout.addStretch(1)
        self.addTab(digest_page, "Digests")

    def attach(self, session: EngineSession | None) -> None:
        self.session = session
        self.show_row(None)

    def show_tab(self, title: str) -> None:
        for index in range(self.count()):
            if self.tabText(index) == title:
                self.setCurrentIndex(index)

    def show_row(self, row: ImageRow | None) -> None:
        self.row = row
        self._loading.cancel()
        self._clear()
        if row is not None and self.session is not None and self.session.bridge is not None:
            self._loading.start(self._load(row))

    def _clear(self) -> None:
        self.layers.setRowCount(0)
        for form in (self.config_form, self.digest_form):
            while form.rowCount():
                form.removeRow(0)
        self.pull_by_digest.setText("")
        self.registry_state.setText("")
        self.platforms.setRowCount(0)
        self.ask_registry.setEnabled(False)

    async def _load(self, row: ImageRow) -> None:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return
        try:
            inspected, layers = await asyncio.gather(
                inspect_image(bridge, row.image.id), image_layers(bridge, row.image.id)
            )
        except EngineError as exc:
            self.config_form.addRow(_value(exc.in_words(hint=False)))
            return
        if row is not self.row:
            return
        self._fill_layers(layers)
        self._fill_config(inspected)
        self._fill_digests(row, inspected)

    def _fill_layers(self, layers: list[ImageLayer]) -> None:
        self.layers.setRowCount(len(layers))
        grey = theme.qcolour("muted")
        number = 0
        for r, layer in enumerate(layers):
            if not layer.empty:
                number += 1
            cells = (
                str(number) if not layer.empty else "",
                layer.instruction,
                decimal_size(layer.size) if not layer.empty else "empty",
                ", ".join(layer.shared_with[:3])
                + (f" and {len(layer.shared_with) - 3} more" if len(layer.shared_with) > 3 else ""),
            )
            for c, words in enumerate(cells):
                item = QTableWidgetItem(words)
                if layer.empty:
                    item.setForeground(grey)
                    item.setToolTip("This step changed settings only: it made no layer")
                elif c == 1:
                    item.setToolTip(f"{layer.instruction}\nLayer {layer.layer}")
                if c == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.layers.setItem(r, c, item)

    def _fill_config(self, inspected: dict[str, Any]) -> None:
        config = inspected.get("Config") or {}
        self.config_form.addRow(_note(text("images.config")))

        def joined(value: object) -> str:
            return json.dumps(value) if isinstance(value, list) else "(none)"

        env = config.get("Env") or []
        ports = sorted((config.get("ExposedPorts") or {}).keys())
        labels = config.get("Labels") or {}
        for label, words in (
            ("Entrypoint", joined(config.get("Entrypoint"))),
            ("Cmd", joined(config.get("Cmd"))),
            ("Env", "\n".join(env) or "(none)"),
            ("Exposed ports", ", ".join(ports) or "(none)"),
            ("Working dir", config.get("WorkingDir") or "/ (the default)"),
            ("User", config.get("User") or "root (the default)"),
            ("Labels", "\n".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(none)"),
            ("Platform", f"{inspected.get('Os', '')}/{inspected.get('Architecture', '')}"),
        ):
            self.config_form.addRow(f"{label}:", _value(str(words), mono=True))

    def _fill_digests(self, row: ImageRow, inspected: dict[str, Any]) -> None:
        self.digest_form.addRow("Image ID:", _value(str(inspected.get("Id", "")), mono=True))
        digests = inspected.get("RepoDigests") or []
        self.digest_form.addRow(
            "Repo digests:",
            _value("\n".join(digests) or "(none: never pulled or pushed)", mono=True),
        )
        mine = [d for d in digests if d.split("@", 1)[0] == row.repository]
        self.pull_by_digest.setText(f"docker pull {mine[0]}" if mine else "")
        if not mine:
            self.registry_state.setText(
                "No digest yet: push the image to a registry (or pull it from one) to get one."
            )
        self.ask_registry.setEnabled(bool(row.repository))

    @asyncSlot()
    async def _on_ask_registry(self) -> None:
        row = self.row
        bridge = self.session.bridge if self.session else None
        if row is None or bridge is None or not row.repository:
            return
        self.ask_registry.setEnabled(False)
        self.registry_state.setText("Asking the registry…")
        try:
            host = parse_image_ref(row.reference).registry_host
            login = await run_blocking(None, self.credentials.get, host)
            manifest = await registry_manifest(bridge, row.reference, login)
        except EngineError as exc:
            if row is self.row:
                self.registry_state.setText(f"{exc.title}. {exc.hint}")
                self.ask_registry.setEnabled(True)
            return
        if row is not self.row:  # another image was chosen (or the engine dropped) meanwhile
            return
        self.ask_registry.setEnabled(True)
        descriptor = manifest.get("Descriptor") or {}
        digest = str(descriptor.get("digest", ""))
        kind = str(descriptor.get("mediaType", ""))
        many = "list" in kind or "index" in kind
        same = digest and digest == row.digest
        self.registry_state.setText(
            f"The registry has {row.reference} as {digest[:19]}… "
            + ("(a manifest list: one image per platform). " if many else "")
            + (
                "Same as here."
                if same
                else "That differs from the copy here: the tag has moved."
                if row.digest
                else ""
            )
        )
        platforms = manifest.get("Platforms") or []
        self.platforms.setRowCount(len(platforms))
        for r, platform in enumerate(platforms):
            for c, key in enumerate(("os", "architecture", "variant")):
                self.platforms.setItem(r, c, QTableWidgetItem(str(platform.get(key) or "")))
