"""The Builds pane against the real engine: the Build dialog reads the Dockerfile (stages,
arguments, what only BuildKit knows) and the context; a build shows its steps and is kept in
the history, which a new window lists again; a failed build is kept with its reason."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_app.panes.base import ROW_ROLE
from desktop_app.panes.builds.build_dialog import BuildDialog
from desktop_app.panes.builds.pane import BuildsPane
from desktop_app.window import MainWindow
from engine_bridge import BuildSpec
from tests.engine_support import BUSYBOX_BINARY, TEST_LABEL
from tests.gui.conftest import until

DOCKERFILE = """\
FROM scratch AS base
COPY busybox /bin/busybox
ARG FLAVOUR=plain
RUN ["/bin/busybox", "sh", "-c", "echo $FLAVOUR > /flavour"]

FROM base AS final
CMD ["/bin/busybox", "cat", "/flavour"]
"""


def _context(folder: Path, dockerfile: str = DOCKERFILE) -> Path:
    shutil.copy(BUSYBOX_BINARY, folder / "busybox")
    (folder / "Dockerfile").write_text(dockerfile)
    (folder / "junk.log").write_text("x" * 50_000)
    (folder / ".dockerignore").write_text("*.log\n")
    return folder


def test_build_from_the_dialog_steps_and_history(
    window: MainWindow, tmp_path: Path, name: str, docker_client: Any, run: Any, qtbot: QtBot
) -> None:
    pane = window.panes["Builds"]
    assert isinstance(pane, BuildsPane)
    window.show_pane("Builds")
    context = _context(tmp_path)
    tag = f"{name}:1"
    try:

        async def scenario() -> None:
            building = asyncio.ensure_future(pane.build_dialog())
            await until(lambda: isinstance(pane.dialog, BuildDialog), 5, "the Build dialog")
            dialog = pane.dialog
            assert isinstance(dialog, BuildDialog)
            dialog.context.setText(str(context))
            dialog.tags.setText(tag)
            # The Dockerfile is read: its stages to stop at, its arguments with defaults.
            assert [dialog.target.itemText(i) for i in range(dialog.target.count())] == [
                "", "base", "final"]  # fmt: skip
            assert dialog.args.values() == ["FLAVOUR=plain"]
            dialog.args.set_values(["FLAVOUR=spicy"])
            dialog.labels.set_values([f"{TEST_LABEL}=1"])
            await until(lambda: "keeps 1 file back" in dialog.sending.text(), 5,
                        "the context summary")  # fmt: skip
            assert dialog.command.text() == (
                f"docker build -t {tag} --build-arg FLAVOUR=spicy --label {TEST_LABEL}=1 {context}"
            )
            assert dialog.build_button.isEnabled()
            dialog.build_button.click()
            record = await building
            assert record is not None
            assert record.outcome == "succeeded", record.error

        run(scenario())
        output = docker_client.containers.run(tag, remove=True, labels={TEST_LABEL: "1"})
        assert bytes(output).decode() == "spicy\n"
        records = sorted(pane.model.rows(), key=lambda r: -r.started)
        assert records[0].tags == (tag,)
        keywords = [s.instruction.split()[0] for s in records[0].steps]
        assert keywords[:6] == ["FROM", "COPY", "ARG", "RUN", "FROM", "CMD"]
        selected = pane.selected()
        assert selected is not None
        assert selected.id == records[0].id, "the new build is selected"
        details = pane.details
        assert details is not None
        assert details.steps.rowCount() == len(records[0].steps)  # type: ignore[attr-defined]
        assert "Successfully tagged" in details.log.toPlainText()  # type: ignore[attr-defined]

        # A new window (as after a restart) lists the build again.
        again = MainWindow()
        try:
            kept = again.panes["Builds"]
            assert isinstance(kept, BuildsPane)
            assert [r.id for r in kept.model.rows()][:1] == [records[0].id]
        finally:
            again.close()
            again.deleteLater()
    finally:
        docker_client.api.remove_image(tag, force=True)


def test_a_failed_build_is_kept_with_its_reason(
    window: MainWindow, tmp_path: Path, run: Any
) -> None:
    pane = window.panes["Builds"]
    assert isinstance(pane, BuildsPane)
    context = _context(tmp_path, "FROM scratch\nCOPY busybox /bin/busybox\n"
                                 'RUN ["/bin/busybox", "false"]\n')  # fmt: skip
    record = run(pane.build(BuildSpec(str(context))))
    assert record is not None
    assert record.outcome == "failed"
    assert "Step 3" in record.error
    assert "line 3 of Dockerfile" in record.error
    top = pane.proxy.index(0, 0).data(ROW_ROLE)
    assert top.id == record.id, "the newest build is listed first"
    selected = pane.selected()
    assert selected is not None
    assert selected.id == record.id
