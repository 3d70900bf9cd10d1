"""The Builds pane against the real engine: the Build dialog reads the Dockerfile (stages,
arguments, what only BuildKit knows) and the context; a build shows its steps and is kept in
the history, which a new window lists again; a failed build is kept with its reason."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_app.panes.base import ROW_ROLE
from desktop_app.panes.builds.build_dialog import BuildDialog
from desktop_app.panes.builds.builders_dialog import BuildersDialog
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
        shown = details.step_rows()  # type: ignore[attr-defined]
        assert [instruction for instruction, _cache, _why in shown] == [
            s.instruction for s in records[0].steps]  # fmt: skip
        headings = [details.steps.item(r, 0).text()  # type: ignore[attr-defined]
                    for r in range(details.steps.rowCount())  # type: ignore[attr-defined]
                    if details.steps.item(r, 1) is None]  # type: ignore[attr-defined]  # fmt: skip
        assert headings == ["Stage 0 · base  (from scratch)", "Stage 1 · final  (from base)"]
        logged = [line.text for line in details.log_model.rows]  # type: ignore[attr-defined]
        assert any(line.startswith("Successfully tagged") for line in logged)

        # The same build with another argument: the RUN step says why the cache did not serve.
        hotter = dataclasses.replace(records[0].spec, args=(("FLAVOUR", "hot"),))
        rebuilt = run(pane.build(hotter))
        assert rebuilt is not None
        assert rebuilt.outcome == "succeeded"
        why = {instruction: reason for instruction, _c, reason in details.step_rows()}  # type: ignore[attr-defined]
        run_step = next(i for i in why if i.startswith("RUN"))
        assert why[run_step] == "A build argument in effect changed: FLAVOUR (spicy → hot)."
        assert why["COPY busybox /bin/busybox"] == "", "it came from the cache again"

        # A new window (as after a restart) lists the build again.
        again = MainWindow()
        try:
            kept = again.panes["Builds"]
            assert isinstance(kept, BuildsPane)
            assert {r.id for r in kept.model.rows()} >= {records[0].id, rebuilt.id}
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
    assert record.failed_line == 3
    assert (3, 'RUN ["/bin/busybox", "false"]') in record.excerpt
    details = pane.details
    assert details is not None
    assert "Where it failed" in details.summary.text()  # type: ignore[attr-defined]
    # Only the failed ones, when asked.
    pane.show_only.setCurrentIndex(pane.show_only.findText("Failed"))
    assert {
        pane.proxy.index(r, 0).data(ROW_ROLE).outcome for r in range(pane.proxy.rowCount())
    } == {"failed"}
    pane.show_only.setCurrentIndex(0)
    top = pane.proxy.index(0, 0).data(ROW_ROLE)
    assert top.id == record.id, "the newest build is listed first"
    selected = pane.selected()
    assert selected is not None
    assert selected.id == record.id


def test_builders_and_the_build_cache_say_what_this_engine_has(
    window: MainWindow, run: Any, docker_client: Any
) -> None:
    pane = window.panes["Builds"]
    assert isinstance(pane, BuildsPane)
    has_buildx = (
        bool(shutil.which("docker"))
        and subprocess.run(
            ["docker", "buildx", "version"], capture_output=True, check=False
        ).returncode
        == 0
    )

    async def scenario() -> None:
        showing = asyncio.ensure_future(pane.builders_dialog())
        await until(lambda: isinstance(pane.dialog, BuildersDialog), 5, "the dialog")
        dialog = pane.dialog
        assert isinstance(dialog, BuildersDialog)
        await until(lambda: dialog.cache is not None, 20, "the cache read")
        words = dialog.builders.text()
        version = docker_client.version()["Version"]
        assert f"Docker {version}" in words
        assert "classic builder" in words
        if has_buildx:
            assert "<b>docker buildx</b>: installed" in words
        else:
            assert "<b>docker buildx</b>: not installed" in words, "says what buildx would add"
        every = docker_client.api.images(all=True, quiet=True)
        top = docker_client.api.images(quiet=True)
        assert f"{len(set(every) - set(top))} image" in dialog.usage.text()
        assert dialog.command.text() == "docker builder prune --force"
        dialog.age_box.setCurrentIndex(1)
        dialog.all_box.setCurrentIndex(1)
        assert dialog.command.text() == "docker builder prune --force --all --filter until=24h"
        assert dialog.prune_button.isEnabled() == bool(
            [e for e in dialog.cache.entries if not e.in_use])  # type: ignore[union-attr]  # fmt: skip
        dialog.reject()
        await showing

    run(scenario())
