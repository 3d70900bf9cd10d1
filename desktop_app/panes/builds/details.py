"""One build up close: its steps (instruction, cache used, seconds), its log, and what was
asked with the docker command that does the same. A build under way is shown as it goes."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import theme
from desktop_app.learning import text
from desktop_app.panes.builds.history import BuildRecord, StepRecord
from desktop_app.widgets.log_view import LogModel, LogView
from engine_bridge import STDOUT, BuildProgress, LogLine, docker_build_text


def _cache_words(cached: bool | None) -> str:
    return {True: "from the cache", False: "run"}.get(cached, "")  # type: ignore[arg-type]


class BuildDetails(QTabWidget):
    """Attributes: `steps` (a table), `log`, `summary`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildDetails")
        self.steps = QTableWidget(0, 5)
        self.steps.setObjectName("buildSteps")
        self.steps.setAccessibleName("Steps")
        self.steps.setHorizontalHeaderLabels(
            [
                "Step",
                "Instruction",
                "Cache",
                "Seconds",
                "Why the cache did not serve it",
            ]
        )
        self.steps.verticalHeader().hide()
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.steps.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 60), (2, 120), (3, 80)):
            self.steps.setColumnWidth(column, width)
        cache_note = QLabel(text("builds.cache"))
        cache_note.setWordWrap(True)
        theme.mark(cache_note, "muted")
        steps_page = QWidget()
        steps_layout = QVBoxLayout(steps_page)
        steps_layout.addWidget(self.steps, 1)
        steps_layout.addWidget(cache_note)
        # The same view as a container's log: escape codes shown as colours, fast on long logs.
        self.log_model = LogModel()
        self.log = LogView(self.log_model)
        self.log.setObjectName("buildLog")
        self.log.setAccessibleName("Build log")
        self.summary = QLabel()
        self.summary.setObjectName("buildSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(self.summary.textFormat().RichText)
        summary_page = QWidget()
        summary_layout = QVBoxLayout(summary_page)
        summary_layout.addWidget(self.summary)
        summary_layout.addStretch(1)
        self.addTab(steps_page, "Steps")
        self.addTab(self.log, "Log")
        self.addTab(summary_page, "Summary")

    def show_tab(self, title: str) -> None:
        for index in range(self.count()):
            if self.tabText(index) == title:
                self.setCurrentIndex(index)

    def show_record(self, record: BuildRecord | None, previous: BuildRecord | None = None) -> None:
        """One kept build; `previous` (the build before of the same Dockerfile) says why
        steps ran that the cache served then."""
        if record is None:
            self._fill_steps([])
            self.log_model.clear()
            self.summary.setText("")
            return
        self._fill_steps(list(record.steps), record.why_ran(previous))
        self.log_model.clear()
        self.log_model.append([LogLine(STDOUT, line) for line in record.log])
        self.summary.setText(self._summary_html(record))

    def show_progress(self, progress: BuildProgress) -> None:
        """A build under way: its steps and log so far."""
        self._fill_steps([StepRecord(s.number, s.instruction, s.cached, s.seconds)
                          for s in progress.steps])  # fmt: skip
        shown = self.log_model.rowCount()
        if shown < len(progress.log):
            self.log_model.append([LogLine(STDOUT, line) for line in progress.log[shown:]])

    def _fill_steps(self, steps: list[StepRecord], why: dict[int, str] | None = None) -> None:
        """The steps, under a heading row for each stage of a multi-stage build."""
        stages = sum(1 for s in steps if s.instruction.upper().startswith("FROM "))
        self.steps.clearSpans()
        self.steps.clearContents()
        self.steps.setRowCount(len(steps) + (stages if stages > 1 else 0))
        row = -1
        stage = 0
        for step in steps:
            row += 1
            if stages > 1 and step.instruction.upper().startswith("FROM "):
                self._stage_heading(row, stage, step.instruction)
                stage += 1
                row += 1
            seconds = "" if step.seconds is None else f"{step.seconds:.1f}"
            reason = (why or {}).get(step.number, "")
            cells = (str(step.number), step.instruction, _cache_words(step.cached), seconds,
                     reason)  # fmt: skip
            for column, words in enumerate(cells):
                item = QTableWidgetItem(words)
                if column == 2 and step.cached:
                    item.setForeground(theme.qcolour("good"))
                if column == 4 and words:
                    item.setToolTip(words)
                self.steps.setItem(row, column, item)

    def _stage_heading(self, row: int, number: int, instruction: str) -> None:
        words = instruction.split()
        named = words[-1] if len(words) >= 4 and words[-2].upper() == "AS" else ""
        base = words[1] if len(words) > 1 else ""
        title = f"Stage {number}" + (f" · {named}" if named else "") + f"  (from {base})"
        item = QTableWidgetItem(title)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setBackground(theme.qcolour("panel"))
        self.steps.setItem(row, 0, item)
        self.steps.setSpan(row, 0, 1, self.steps.columnCount())

    def step_rows(self) -> list[tuple[str, str, str]]:
        """The rows of the Steps table that are steps: (instruction, cache, why it ran)."""
        found = []
        for row in range(self.steps.rowCount()):
            instruction, cache, why = (self.steps.item(row, c) for c in (1, 2, 4))
            if instruction is not None:
                found.append((instruction.text(), cache.text() if cache else "",
                              why.text() if why else ""))  # fmt: skip
        return found

    @staticmethod
    def _summary_html(record: BuildRecord) -> str:
        rows = [
            ("Outcome", record.outcome + (f": {record.error}" if record.error else "")),
            ("Context", record.context), ("Dockerfile", record.dockerfile),
            ("Tags", ", ".join(record.tags) or "none"),
            ("Target stage", record.target or "the last"),
            ("Build arguments", ", ".join(f"{n}={v}" for n, v in record.args) or "none"),
            ("Labels", ", ".join(f"{n}={v}" for n, v in record.labels) or "none"),
            ("Image", record.image_id or "none"), ("Engine", record.engine or "unknown"),
        ]  # fmt: skip
        table = "".join(f"<tr><td><b>{escape(k)}:</b></td><td>{escape(v)}</td></tr>"
                        for k, v in rows)  # fmt: skip
        command = escape(docker_build_text(record.spec))
        failed = ""
        if record.excerpt:
            bad = theme.colour("bad")
            lines = "".join(
                f"<span style='color:{bad}'><b>▶ {n:>3}  {escape(t)}</b></span>\n"
                if n == record.failed_line
                else f"  {n:>3}  {escape(t)}\n"
                for n, t in record.excerpt
            )
            failed = (f"<p><b>Where it failed</b> ({escape(record.dockerfile)}, line "
                      f"{record.failed_line}):</p><pre>{lines}</pre>")  # fmt: skip
        return (f"{failed}<table cellpadding='2'>{table}</table>"
                f"<p>The same with the docker command:<br><code>{command}</code></p>")  # fmt: skip
