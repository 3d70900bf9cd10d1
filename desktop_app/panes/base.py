"""PaneFrame and ListPane: what every list of Docker objects has in common, so that a kind's
pane is only what is its own.

A kind gives a row format (its rows.py: columns, cell text, sort keys, tooltips, tones and
filter matching, with no Qt) and builds its rows from the engine state; the base gives the
heading, the filter box, the count, the toolbar, the empty state (with a learner's
explanation from resources/learning.json), the details splitter, each row's busy and error
state, the message line, and on-screen interest (work that only matters while the pane is
seen waits until it is).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QColor, QEnterEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app import notify, theme
from desktop_app.dialogs import ask
from desktop_app.learning import text
from desktop_app.presentation import Column
from desktop_app.widgets.actions import toolbar_action
from desktop_app.widgets.row_actions import RowActions, Verb
from engine_bridge import EngineError, ErrorKind

if TYPE_CHECKING:
    from desktop_app.panes import PaneContext
    from desktop_app.session import EngineSession
    from engine_bridge import Change, EngineState, Operation

Row = TypeVar("Row")
RowIn = TypeVar("RowIn", contravariant=True)
T = TypeVar("T")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


class RowFormat(Protocol[RowIn]):
    """What a kind's rows.py says about its rows; pure, no Qt."""

    @property
    def columns(self) -> Sequence[Column]: ...

    def key(self, row: RowIn) -> str: ...
    def name(self, row: RowIn) -> str:
        """What a person knows the row by (to find it by typing)."""

    def text(self, row: RowIn, column: int) -> str: ...
    def sort_key(self, row: RowIn, column: int) -> str | int | float:
        """A plain value: Qt's sorting compares strings and numbers, not tuples."""

    def tooltip(self, row: RowIn, column: int) -> str | None: ...
    def tone(self, row: RowIn, column: int) -> str | None: ...
    def matches(self, row: RowIn, words: str) -> bool: ...


class KindModel(QAbstractTableModel, Generic[Row]):
    """Rows of one kind, keyed; `set_rows` turns a fresh set into row-level inserts,
    changes and removals (never a reset), so selection and scrolling stay put."""

    def __init__(self, fmt: RowFormat[Row], parent: Any = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self._rows: list[Row] = []
        self._at: dict[str, int] = {}
        self._busy: dict[str, str] = {}
        self._errors: dict[str, str] = {}

    # --- feeding ----------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Row]) -> None:
        fresh = {self.fmt.key(r): r for r in rows}
        for key in [k for k in self._at if k not in fresh]:
            gone = self._at[key]
            self.beginRemoveRows(QModelIndex(), gone, gone)
            del self._rows[gone]
            self._reindex()
            self.endRemoveRows()
            self._busy.pop(key, None)
            self._errors.pop(key, None)
        last = self.columnCount() - 1
        added: list[Row] = []
        for key, row in fresh.items():
            position = self._at.get(key)
            if position is None:
                added.append(row)
            elif self._rows[position] != row:
                self._rows[position] = row
                self.dataChanged.emit(self.index(position, 0), self.index(position, last))
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(added)
            self._reindex()
            self.endInsertRows()

    def _reindex(self) -> None:
        self._at = {self.fmt.key(r): i for i, r in enumerate(self._rows)}

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row(self, key: str) -> Row | None:
        position = self._at.get(key)
        return None if position is None else self._rows[position]

    def set_busy(self, key: str, verb: str | None) -> None:
        """Show that an action runs on a row ("removing…"); None when it ended."""
        if verb:
            self._busy[key] = verb
            self._errors.pop(key, None)
        else:
            self._busy.pop(key, None)
        self._row_changed(key)

    def set_error(self, key: str, message: str | None) -> None:
        """Show that the last action on a row failed, until the next one starts."""
        if message:
            self._errors[key] = message
        else:
            self._errors.pop(key, None)
        self._row_changed(key)

    def busy(self, key: str) -> str | None:
        return self._busy.get(key)

    def redraw(self, key: str) -> None:
        """Draw a row again: what the row format says of it changed, the row did not."""
        self._row_changed(key)

    def error(self, key: str) -> str | None:
        return self._errors.get(key)

    def _row_changed(self, key: str) -> None:
        position = self._at.get(key)
        if position is not None:
            self.dataChanged.emit(
                self.index(position, 0), self.index(position, self.columnCount() - 1)
            )

    # --- Qt's model interface ---------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fmt.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.fmt.columns):
            return None
        column = self.fmt.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        key = self.fmt.key(row)
        if role == Qt.ItemDataRole.DisplayRole:
            shown = self.fmt.text(row, column)
            if column == 0 and key in self._busy:
                return f"{shown}  ({self._busy[key]}…)"
            if column == 0 and key in self._errors:
                return f"{shown}  (failed)"
            return shown
        if role == SORT_ROLE:
            return self.fmt.sort_key(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in self._errors:
                return self._errors[key]
            return self.fmt.tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = "bad" if key in self._errors else "busy" if key in self._busy else None
            tone = tone or self.fmt.tone(row, column)
            return QColor(theme.colour(tone)) if tone else None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.fmt.columns[column].right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class KindFilter(QSortFilterProxyModel):
    """The filter box's words and the pane's own toggles, over a KindModel."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words = ""
        self.keep: Callable[[Any], bool] = lambda _row: True
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, words: str) -> None:
        self.beginFilterChange()
        self.words = words.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_keep(self, keep: Callable[[Any], bool]) -> None:
        self.beginFilterChange()
        self.keep = keep
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, KindModel):
            return True
        row = model.rows()[source_row]
        return bool(self.keep(row)) and (not self.words or model.fmt.matches(row, self.words))


class _TypingToFilter(QObject):
    """Sends what is typed in a list (letters, digits, punctuation) to its filter box."""

    def __init__(self, filter_box: QLineEdit, parent: QObject) -> None:
        super().__init__(parent)
        self.filter_box = filter_box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            typed = event.text()
            plain = not (event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
                         & ~Qt.KeyboardModifier.KeypadModifier)  # fmt: skip
            if plain and typed and typed.isprintable() and not typed.isspace():
                self.filter_box.setFocus(Qt.FocusReason.OtherFocusReason)
                self.filter_box.insert(typed)
                return True
        return super().eventFilter(watched, event)


class PaneFrame(QWidget):
    """What every pane of a list of Docker objects looks like and does alike: the heading
    with the count, the pane's toggles and the filter box; the toolbar; the message line;
    the list, or in its place an empty state that explains; the details under it in a
    splitter, made the first time they are needed; asking with dialogs and saying outcomes;
    following the engine in use, and knowing whether it is on screen.

    A subclass sets `title`, `topic` (its texts in learning.json) and `filter_hint`, and
    gives its list (`make_view`), toolbar (`make_actions`), toggles (`header_widgets`) and
    details (`make_details`). ListPane is the subclass for flat lists of one kind; the
    Containers pane, a tree grouped by Compose project, builds on the frame directly.

    Attributes: `view`, `toolbar`, `filter_box`, `count_label`, `message` (the last
    outcome, in words), `empty`, `stack`, `splitter`, `details`, `dialog` (open now),
    `last_error`, `on_screen`, `session`.
    """

    title = ""
    topic = ""
    filter_hint = "Filter"
    #: The concept met in this pane, explained by a "What is this?" beside its heading.
    concept = ""

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"{self.topic}Pane")
        self.session: EngineSession | None = None
        self.dialog: QWidget | None = None
        self.last_error: EngineError | None = None
        self.on_screen = False
        self._shown_once = False
        self._details: QWidget | None = None
        self._row_actions: RowActions | None = None

        self.filter_box = QLineEdit(placeholderText=self.filter_hint)
        self.filter_box.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setObjectName(f"{self.topic}Count")
        self.view = self.make_view()
        self.view.setObjectName(f"{self.topic}View")
        self.view.setAccessibleName(self.title)
        self.filter_box.setAccessibleName(f"Filter {self.title.lower()}")
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(16, 16))
        self.make_actions()
        self.message = QLabel()
        self.message.setObjectName(f"{self.topic}Message")
        self.message.setWordWrap(True)
        self.message.setContentsMargins(4, 2, 4, 2)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.empty = QLabel()
        self.empty.setObjectName(f"{self.topic}Empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setMargin(40)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.stack)

        top = QHBoxLayout()
        top.addWidget(QLabel(f"<h2>{self.title}</h2>"))
        if self.concept:
            from desktop_app.widgets.what_is_this import WhatIsThis

            top.addWidget(WhatIsThis(self.concept))
        top.addStretch(1)
        top.addWidget(self.count_label)
        for widget in self.header_widgets():
            top.addWidget(widget)
        top.addWidget(self.filter_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        # The platform's Find keys (Ctrl+F) go to the filter, and so does typing in the list:
        # letters are words to look for, never commands.
        find = QAction("Filter", self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self.focus_filter)
        self.addAction(find)
        self._typing = _TypingToFilter(self.filter_box, self)
        self.view.installEventFilter(self._typing)
        self._columns_fitted = False
        self.view.model().rowsInserted.connect(self._on_rows_arrived)

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    # --- what a pane gives -------------------------------------------------------------

    def row_verbs(self, index: QModelIndex) -> list[Verb]:
        """The common verbs of the row at `index`, offered as buttons while the mouse is on
        it (none: the pane has no hover buttons)."""
        return []

    def choose_row(self, index: QModelIndex) -> None:
        """Select the row at `index` alone, before one of its hover verbs runs."""

    @property
    def row_actions(self) -> RowActions:
        """The buttons on the row under the mouse, made when the mouse first comes by."""
        if self._row_actions is None:
            self._row_actions = RowActions(self.view, self.row_verbs, self.choose_row)
        return self._row_actions

    def enterEvent(self, event: QEnterEvent) -> None:
        if type(self).row_verbs is not PaneFrame.row_verbs:
            self.row_actions  # noqa: B018  (made now, before the first move over a row)
        super().enterEvent(event)

    def make_view(self) -> QAbstractItemView:
        """The list itself, on the pane's model."""
        raise NotImplementedError

    def make_actions(self) -> None:
        """Put the pane's actions on the toolbar (with `action()`)."""

    def header_widgets(self) -> Sequence[QWidget]:
        """Toggles beside the filter box."""
        return ()

    def make_details(self) -> QWidget | None:
        return None

    def update_actions(self) -> None:
        """Enable what applies to the selection and the connection."""

    def first_shown(self) -> None:
        """Called once, the first time the pane is on screen with an engine connected."""

    def findables(self) -> list[tuple[str, str]]:
        """The objects listed, as (what a person knows each by, its key), for Go to anything."""
        return []

    def reveal(self, key: str) -> None:
        """Show and select the object of `key`, whatever the filter hid."""

    def on_screen_changed(self) -> None:
        """Called when the pane comes on screen or leaves it (see `on_screen`)."""

    # --- the frame ----------------------------------------------------------------------

    @property
    def live(self) -> bool:
        return self.session is not None and self.session.live

    @property
    def details(self) -> QWidget | None:
        """The close look under the list, made the first time it is needed (start-up does
        not pay for it); None for a pane that has none."""
        if self._details is None:
            self._details = self.make_details()
            if self._details is not None:
                self._details.hide()
                self.splitter.addWidget(self._details)
                self.splitter.splitterMoved.connect(self._on_splitter_moved)
                height = max(400, self.splitter.height())
                share = self.details_share
                self.splitter.setSizes([round(height * (1 - share)), round(height * share)])
        return self._details

    # --- layout: column widths from the content, and what the user arranged, kept ---------

    #: How much of the pane's height the details take when they open: most of it, so a log
    #: or the charts show plenty while the list keeps a handful of rows.
    details_share = 0.6
    #: The widest a column grows to fit its content (the user may drag it wider).
    WIDEST_COLUMN = 360

    def header(self) -> QHeaderView:
        view = self.view
        if isinstance(view, QTableView):
            return view.horizontalHeader()
        return view.header()  # type: ignore[attr-defined, no-any-return]

    def _on_rows_arrived(self) -> None:
        if not self._columns_fitted and self.on_screen:
            self._columns_fitted = True
            QTimer.singleShot(0, self.fit_columns)

    def fit_columns(self) -> None:
        """Size each column to its content and its heading (the stretching one takes what is
        left), once, when the first rows arrive; widths the user kept win."""
        header = self.header()
        header.setResizeContentsPrecision(100)  # the first hundred rows tell enough
        view: Any = self.view
        for column in range(header.count()):
            if header.sectionResizeMode(column) is not QHeaderView.ResizeMode.Interactive:
                continue
            content = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
            # Never narrower than the pane's own width for it: text that changes with time
            # ("Up 5 seconds", "Up About a minute") outgrows what the first rows said.
            wanted = max(content + 12, view.columnWidth(column), 60)
            view.setColumnWidth(column, min(wanted, self.WIDEST_COLUMN))

    def _on_splitter_moved(self) -> None:
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sum(sizes) > 0 and sizes[1] > 0:
            self.details_share = sizes[1] / sum(sizes)

    def save_layout(self, saved: QSettings) -> None:
        """Keep the columns (widths, order, sort) and the details' share for the next launch."""
        saved.setValue(f"panes/{self.topic}/columns", self.header().saveState())
        saved.setValue(f"panes/{self.topic}/details-share", f"{self.details_share:.3f}")

    def restore_layout(self, saved: QSettings) -> None:
        columns = saved.value(f"panes/{self.topic}/columns")
        if isinstance(columns, QByteArray) and self.header().restoreState(columns):
            self._columns_fitted = True  # the user's widths, not the content's
            header = self.header()
            view: Any = self.view
            view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        with contextlib.suppress(TypeError, ValueError):
            share = float(str(saved.value(f"panes/{self.topic}/details-share", self.details_share)))
            self.details_share = min(max(share, 0.15), 0.85)

    def show_list(self, empty_html: str | None) -> None:
        """Show the list, or (given its words) the empty state in its place."""
        if empty_html is None:
            if self.stack.currentWidget() is not self.view:
                self.stack.setCurrentWidget(self.view)
            return
        self.empty.setText(empty_html)
        if self.stack.currentWidget() is not self.empty:
            self.stack.setCurrentWidget(self.empty)

    def learning_html(self, topic: str, next_step: bool = True) -> str:
        """A learner's title, explanation and (if asked) next step, from learning.json."""
        muted = theme.colour("muted")
        words = f"<h3>{text(topic, 'title')}</h3><p>{text(topic)}</p>"
        return words + (f"<p style='color:{muted}'>{text(topic, 'next')}</p>" if next_step else "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.on_screen = True
        self.on_screen_changed()
        self._maybe_first_shown()
        if self.view.model().rowCount():
            self._on_rows_arrived()  # the rows came while the pane was out of sight

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self.on_screen = False
        self.on_screen_changed()

    def _maybe_first_shown(self) -> None:
        if self.on_screen and self.session is not None and not self._shown_once:
            self._shown_once = True
            self.first_shown()

    # --- acting -----------------------------------------------------------------------

    def action(self, label: str, key: str | QKeySequence.StandardKey, tip: str,
               slot: Callable[[], Any]) -> QAction:  # fmt: skip
        made = toolbar_action(self, self.toolbar, self.view, label, key, tip)
        made.triggered.connect(slot)
        return made

    def say(self, notice: notify.Notice | str, bad: bool = False) -> None:
        if isinstance(notice, str):
            notice = notify.bad(notice) if bad else notify.good(notice)
        theme.mark(self.message, notice.tone.value)
        self.message.setText(notice.words)
        self.message.show()

    async def ask(self, dialog: QWidget) -> int:
        """Open a dialog of this pane and wait for its answer."""
        return await ask(dialog, self)  # type: ignore[arg-type]


class ListPane(PaneFrame, Generic[Row]):
    """A flat list of one kind of object. A subclass sets `kind` (what /events calls its
    objects) and `fmt` (its rows.py) besides the frame's, and overrides `rows_from(state)`
    and, where it has them, `show_details(row)`.

    Attributes beyond the frame's: `model` (a KindModel), `proxy` (a KindFilter).
    """

    kind = ""
    fmt: RowFormat[Any]
    view: QTableView
    #: Other kinds whose changes change these rows (volumes follow containers, say).
    follows: frozenset[str] = frozenset()

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self._select_when_listed: str | None = None
        self._shown: Row | None = None  # the row whose details are on screen
        self._refresh_due = False
        super().__init__(context, parent)
        self.filter_box.textChanged.connect(self.proxy.set_text)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):  # fmt: skip
            signal.connect(self._update_counts)
        self._update_counts()

    def make_view(self) -> QTableView:
        self.model: KindModel[Row] = KindModel(self.fmt, self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        view = QTableView()
        view.setModel(self.proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        for number, column in enumerate(self.fmt.columns):
            if column.width:
                view.setColumnWidth(number, column.width)
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
        return view

    # --- what a kind gives ---------------------------------------------------------------

    def rows_from(self, state: EngineState) -> list[Row]:
        """This kind's rows, from what the engine state holds now."""
        raise NotImplementedError

    def count_text(self, rows: Sequence[Row]) -> str:
        return f"{len(rows)} {self.title.lower()}" if rows else ""

    def show_details(self, row: Row | None) -> None:
        """Show one row's details (None: nothing is selected)."""

    def connected(self) -> None:
        """Called when an engine was attached: after a connect or a switch of engine."""

    def let_go(self) -> None:
        """Called before the pane lets go of its engine: end the work that was for it."""

    # --- the engine -------------------------------------------------------------------

    def attach(self, session: EngineSession | None) -> None:
        if self.session is not None:
            self.let_go()
            self.session.resources_changed.disconnect(self._on_changes)
        self.session = session
        self._shown_once = False
        if session is not None:
            session.resources_changed.connect(self._on_changes)
        self.refresh_rows()
        if session is not None:
            self.connected()
            self._maybe_first_shown()

    def current_rows(self) -> list[Row]:
        """The rows to list now: the kind's, from the engine state (none without one)."""
        state = self.session.state if self.session is not None else None
        return self.rows_from(state) if state is not None else []

    def refresh_rows(self) -> None:
        self._refresh_due = False
        self.model.set_rows(self.current_rows())
        self._update_counts()
        pending = self._select_when_listed
        if pending is not None and self.model.row(pending) is not None:
            self._select_when_listed = None
            self.view.clearSelection()
            self.select(pending)
        if self.selected() != self._shown:  # the chosen object changed, or went
            self._on_selection()

    def _on_changes(self, changes: Sequence[Change]) -> None:
        wanted = self.follows | {self.kind}
        if not any(c.resource in wanted for c in changes):
            return
        if self.isVisible():
            self.refresh_rows()
        elif not self._refresh_due:
            # Out of sight: on a later turn of the loop, so that the pane on screen is
            # drawn first (at start-up every pane's rows arrive in the same batch).
            self._refresh_due = True
            QTimer.singleShot(0, self._refresh_when_due)

    def _refresh_when_due(self) -> None:
        if self._refresh_due:  # not refreshed meanwhile (shown, or a switch of engine)
            self.refresh_rows()

    # --- selection --------------------------------------------------------------------

    def selected_rows(self) -> list[Row]:
        return [i.data(ROW_ROLE) for i in self.view.selectionModel().selectedRows(0)]

    def selected(self) -> Row | None:
        """The one selected row; None when none or several are."""
        rows = self.selected_rows()
        return rows[0] if len(rows) == 1 else None

    def findables(self) -> list[tuple[str, str]]:
        return [(self.fmt.name(row), self.fmt.key(row)) for row in self.model.rows()]

    def reveal(self, key: str) -> None:
        self.filter_box.clear()
        if not self.select(key):
            self.reveal_hidden()
            self.select(key)
        self.view.setFocus()

    def reveal_hidden(self) -> None:
        """Show what the pane's toggles hide (a pane with toggles says how)."""

    def select(self, key: str) -> bool:
        """Select the row of `key`; False when there is none."""
        for number in range(self.proxy.rowCount()):
            row = self.proxy.index(number, 0).data(ROW_ROLE)
            if row is not None and self.fmt.key(row) == key:
                self.view.selectRow(number)
                return True
        return False

    def select_when_listed(self, key: str) -> None:
        """Select `key` now, or as soon as the engine's events bring it into the list (an
        object the user just made)."""
        if self.model.row(key) is not None:
            self.view.clearSelection()
            self.select(key)
        else:
            self._select_when_listed = key

    def _on_selection(self, *_: object) -> None:
        row = self.selected()
        self._shown = row
        if row is not None or self._details is not None:
            details = self.details
            if details is not None:
                details.setVisible(row is not None)
                self.show_details(row)
        self.update_actions()

    def _update_counts(self, *_: object) -> None:
        rows = self.model.rows()
        self.count_label.setText(self.count_text(rows))
        if self.proxy.rowCount():
            self.show_list(None)
        elif rows:
            self.show_list(self.learning_html(f"{self.topic}.filtered", next_step=False))
        else:
            self.show_list(self.learning_html(f"{self.topic}.empty"))
        self.update_actions()

    # --- acting -----------------------------------------------------------------------

    async def perform(self, operation: Operation[T], key: str | None = None,
                      done: str = "") -> Operation[T] | None:  # fmt: skip
        """Run an operation, marking row `key` busy meanwhile; say how it went. None when
        it failed or was cancelled."""
        self.last_error = None
        if self.session is None:
            return None
        if key is not None:
            self.model.set_busy(key, operation.verb or "working")
        try:
            finished = await self.session.perform(operation)
        except EngineError as exc:
            self.last_error = exc
            if key is not None and exc.kind is not ErrorKind.CANCELLED:
                self.model.set_error(key, exc.in_words(hint=False))
            self.say(notify.of_operation(operation))
            return None
        finally:
            if key is not None:
                self.model.set_busy(key, None)
        self.say(notify.of_operation(finished, done))
        return finished
