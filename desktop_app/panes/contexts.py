"""Engines on other machines, on the Engine page: the docker contexts (the CLI's and those
added here) with their addresses; add, edit and remove them, use one in Dockyard, or make one
the docker CLI's own choice. The dialog checks what is typed and shows the `docker context`
command it stands for."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs import ask, command_line, problem_line, yes_and_cancel
from desktop_app.dialogs.choice import ChoiceDialog
from engine_bridge import (
    Endpoint,
    EngineError,
    current_context_name,
    list_contexts,
    remove_context,
    run_blocking,
    save_context,
    tls_file_problems,
    use_context,
)
from engine_bridge.specs.context_form import (
    ContextForm,
    context_problems,
    context_warning,
    create_text,
)

NAME, ADDRESS, DESCRIPTION, CLI = range(4)


class ContextDialog(QDialog):
    """Attributes: the fields, `problem`, `warning`, `command`, `save_button`; `form()` is
    the ask. `editing` is the context changed (None: a new one)."""

    def __init__(self, taken: list[str], editing: Endpoint | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("contextDialog")
        self.setWindowTitle(f"Edit {editing.name}" if editing else "Add an engine on another "
                            "machine")  # fmt: skip
        self.setMinimumWidth(560)
        self.taken, self.editing = taken, editing
        self.name = QLineEdit(placeholderText="e.g. build-box")
        self.name.setAccessibleName("Name")
        self.host = QLineEdit(placeholderText="ssh://user@host  or  tcp://host:2376")
        self.host.setAccessibleName("Address")
        self.description = QLineEdit(placeholderText="optional, e.g. the team's build machine")
        self.description.setAccessibleName("Description")
        self.ca = QLineEdit(placeholderText="ca.pem: the CA that signed the engine's certificate")
        self.cert = QLineEdit(placeholderText="cert.pem: this computer's certificate")
        self.key = QLineEdit(placeholderText="key.pem: its private key")
        for field, name in ((self.ca, "CA certificate"), (self.cert, "Client certificate"),
                            (self.key, "Client key")):  # fmt: skip
            field.setAccessibleName(name)
        self.skip_verify = QCheckBox("Do not check the engine's certificate")
        intro = QLabel(
            "Over SSH the app logs in as the ssh command would (your keys and ~/.ssh/config), "
            "and the remote user must be allowed to use Docker there. Over TCP the engine "
            "wants TLS: the three files its owner made for you."
        )
        intro.setWordWrap(True)
        theme.mark(intro, "muted")
        self.problem = problem_line()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        theme.mark(self.warning, "warn")
        self.command = command_line()
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Address:", self.host)
        form.addRow("Description:", self.description)
        for label, field in (("CA:", self.ca), ("Certificate:", self.cert), ("Key:", self.key)):
            form.addRow(label, self._with_chooser(field))
        form.addRow("", self.skip_verify)
        buttons, self.save_button = yes_and_cancel(self, QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.warning)
        layout.addWidget(self.command)
        layout.addWidget(buttons)
        if editing is not None:
            self.name.setText(editing.name)
            self.host.setText(editing.host)
            self.description.setText(editing.description)
            tls = editing.tls
            if tls is not None:
                for field, path in ((self.ca, tls.ca), (self.cert, tls.cert), (self.key, tls.key)):
                    field.setText(str(path) if path else "")
                self.skip_verify.setChecked(not tls.verify)
        for field in (self.name, self.host, self.description, self.ca, self.cert, self.key):
            field.textChanged.connect(self._refresh)
        self.skip_verify.toggled.connect(self._refresh)
        self._refresh()

    def _with_chooser(self, field: QLineEdit) -> QWidget:
        button = QPushButton("Choose…")
        button.setAccessibleName(f"Choose the {field.accessibleName()}")
        button.clicked.connect(lambda: self._choose(field))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field, 1)
        line.addWidget(button)
        return row

    def _choose(self, field: QLineEdit) -> None:
        start = os.path.dirname(field.text()) or os.path.expanduser("~/.docker")
        chosen, _filter = QFileDialog.getOpenFileName(
            self, field.accessibleName(), start, "PEM files (*.pem *.crt *.key);;All files (*)"
        )
        if chosen:
            field.setText(chosen)

    def form(self) -> ContextForm:
        return ContextForm(
            name=self.name.text().strip(), host=self.host.text().strip(),
            description=self.description.text().strip(), ca=self.ca.text().strip(),
            cert=self.cert.text().strip(), key=self.key.text().strip(),
            skip_verify=self.skip_verify.isChecked(),
        )  # fmt: skip

    def _refresh(self) -> None:
        form = self.form()
        files = tls_file_problems([form.ca, form.cert, form.key])  # small local files
        editing = self.editing.name if self.editing is not None else ""
        found = context_problems(form, self.taken, files, editing)
        started = bool(form.name or form.host)
        shown = found if started else {}
        self.problem.setText(" ".join(shown.values()))
        self.problem.setVisible(bool(shown))
        for key, field in (("name", self.name), ("host", self.host), ("ca", self.ca),
                           ("cert", self.cert), ("key", self.key)):  # fmt: skip
            theme.mark_problem(field, key in shown)
        self.warning.setText(context_warning(form) if not found else "")
        self.warning.setVisible(bool(self.warning.text()))
        self.save_button.setEnabled(started and not found)
        self.command.setText(create_text(form, update=self.editing is not None))


class ContextsBox(QGroupBox):
    """The list of contexts and what can be done with them.

    Signals: `use_requested(Endpoint)` when the user asks Dockyard to use one.
    """

    use_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Engines on other machines (docker contexts)", parent)
        self.setObjectName("contextsBox")
        self.contexts: list[Endpoint] = []
        self.dialog: QDialog | None = None
        explain = QLabel(
            "A context is how the docker CLI names an engine and the way to reach it. The "
            "ones added here are real contexts: docker context ls lists them, and docker "
            "--context NAME uses them."
        )
        explain.setWordWrap(True)
        theme.mark(explain, "muted")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("contextsTable")
        self.table.setAccessibleName("Docker contexts")
        self.table.setHorizontalHeaderLabels(["Name", "Address", "Description", "docker CLI"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            DESCRIPTION, QHeaderView.ResizeMode.Stretch
        )
        self.table.setColumnWidth(NAME, 150)
        self.table.setColumnWidth(ADDRESS, 260)
        self.table.setMinimumHeight(130)
        self.message = QLabel()
        self.message.setObjectName("contextsMessage")
        self.message.setWordWrap(True)
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.use_button = QPushButton("Use in Dockyard")
        self.cli_button = QPushButton("Make the CLI's choice")
        self.cli_button.setToolTip("docker context use: the engine every docker command uses")
        buttons = QHBoxLayout()
        for button, slot in ((self.add_button, self._on_add), (self.edit_button, self._on_edit),
                             (self.remove_button, self._on_remove),
                             (self.use_button, self._on_use),
                             (self.cli_button, self._on_cli)):  # fmt: skip
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    # --- the list -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the contexts again (small local files)."""
        try:
            self.contexts = list_contexts()
            current = current_context_name()
        except EngineError as exc:
            self.contexts, current = [], ""
            self.say(exc.in_words(), bad=True)
        chosen = self.selected()
        self.table.setRowCount(len(self.contexts))
        for row, context in enumerate(self.contexts):
            cells = (context.name, context.host, context.description,
                     "in use" if context.name == current else "")  # fmt: skip
            for column, words in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(words))
            if chosen is not None and context.name == chosen.name:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> Endpoint | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.contexts[row] if row < len(self.contexts) else None

    def select(self, name: str) -> None:
        for row, context in enumerate(self.contexts):
            if context.name == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        chosen = self.selected()
        own = chosen is not None and chosen.source == "context"
        self.edit_button.setEnabled(own)
        self.remove_button.setEnabled(own)
        self.use_button.setEnabled(chosen is not None)
        self.cli_button.setEnabled(chosen is not None)

    def say(self, words: str, bad: bool = False) -> None:
        self.message.setText(words)
        theme.mark(self.message, "bad" if bad else "good")

    # --- acting ---------------------------------------------------------------------------

    async def _ask(self, dialog: QDialog) -> int:
        return await ask(dialog, self)

    @asyncSlot()
    async def _on_add(self) -> None:
        await self.edit(None)

    @asyncSlot()
    async def _on_edit(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.edit(chosen)

    async def edit(self, editing: Endpoint | None) -> Endpoint | None:
        """Ask for a new context (or changes to `editing`) and save it; it, or None."""
        dialog = ContextDialog([c.name for c in self.contexts], editing, self)
        if not await self._ask(dialog):
            return None
        form = dialog.form()
        try:
            saved = await run_blocking(None, save_context, form, None,
                                       editing.name if editing else "")  # fmt: skip
        except (OSError, EngineError) as exc:
            words = exc.in_words() if isinstance(exc, EngineError) else str(exc)
            self.say(f"Could not save {form.name}: {words}", bad=True)
            return None
        self.reload()
        self.select(saved.name)
        self.say(f"Saved {saved.name}. The docker CLI knows it too: docker --context "
                 f"{saved.name} ps")  # fmt: skip
        return saved

    @asyncSlot()
    async def _on_remove(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            await self.remove(chosen)

    async def remove(self, context: Endpoint) -> bool:
        dialog = ChoiceDialog(
            f"Remove {context.name}",
            f"Remove the context <b>{context.name}</b> ({context.host})? The engine there is "
            "not touched; the docker CLI forgets how to reach it too.",
            [("remove", "Remove")], self, destructive=("remove",),
        )  # fmt: skip
        if not await self._ask(dialog) or dialog.chosen != "remove":
            return False
        try:
            await run_blocking(None, remove_context, context.name)
        except EngineError as exc:
            self.say(exc.in_words(), bad=True)
            return False
        self.reload()
        self.say(f"Removed {context.name}.")
        return True

    def _on_use(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.use_requested.emit(chosen)

    @asyncSlot()
    async def _on_cli(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            await run_blocking(None, use_context, chosen.name)
        except EngineError as exc:
            self.say(exc.in_words(), bad=True)
            return
        self.reload()
        self.say(f"The docker CLI now uses {chosen.name} (docker context use {chosen.name}).")
