"""The Volumes pane against the real engine: what the list shows, create, remove (refused
with the names while in use), the prune preview against what goes, a volume's files, and
export, import and clone, as a user does them."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from desktop_app.dialogs.run_container import RunDialog
from desktop_app.panes.base import ROW_ROLE
from desktop_app.panes.volumes.dialogs import CreateVolumeDialog, ImportDialog, PruneDialog
from desktop_app.panes.volumes.pane import VolumesPane
from desktop_app.panes.volumes.rows import VolumeRow
from desktop_app.window import MainWindow
from tests.bridge.helpers import docker_async
from tests.engine_support import TEST_LABEL
from tests.gui.conftest import answer_choice, until


def _pane(window: MainWindow) -> VolumesPane:
    pane = next(p for p in window.panes.values() if isinstance(p, VolumesPane))
    window.show_pane(pane.title)
    return pane


def _row(pane: VolumesPane, name: str) -> VolumeRow | None:
    return pane.model.row(name)


def _shown(pane: VolumesPane) -> set[str]:
    return {pane.proxy.index(r, 0).data(ROW_ROLE).name
            for r in range(pane.proxy.rowCount())}  # fmt: skip


def test_list_shows_users_kinds_projects_and_sizes(
    window: MainWindow, busybox_image: str, name: str, run: Any
) -> None:
    pane = _pane(window)
    label = f"--label={TEST_LABEL}=1"

    async def scenario() -> None:
        await docker_async("volume", "create", label, "--label",
                           "com.docker.compose.project=shop", f"{name}-db")  # fmt: skip
        await docker_async("volume", "create", label, f"{name}-idle")
        await docker_async("run", "-d", label, "--name", f"{name}-web", "-v", f"{name}-db:/data",
                           "-v", "/scratch", busybox_image, "sh", "-c",
                           "head -c 200000 /dev/zero > /data/zeros; sleep 600")  # fmt: skip
        await until(lambda: _row(pane, f"{name}-db") and _row(pane, f"{name}-db").users, 10,  # type: ignore[union-attr]
                    "the volume with its container")  # fmt: skip
        db = _row(pane, f"{name}-db")
        assert db is not None
        assert db.users[0].name == f"{name}-web"
        assert db.users[0].running
        assert pane.fmt.text(db, 2) == f"{name}-web (running)"
        assert pane.fmt.text(db, 3) == "shop"
        anonymous = [r for r in pane.model.rows() if r.volume.anonymous and r.users
                     and r.users[0].name == f"{name}-web"]  # fmt: skip
        assert len(anonymous) == 1
        assert "anonymous" in pane.fmt.text(anonymous[0], 0)

        # Sizes come in the background; the list never waited for them. Asked for once the
        # container has written its file (it starts writing as it starts, which a loaded
        # machine may take a moment over).
        size_of = "stat -c %s /data/zeros 2>/dev/null || echo 0"
        for _ in range(200):
            if await docker_async("exec", f"{name}-web", "sh", "-c", size_of) == "200000":
                break
            await asyncio.sleep(0.1)
        pane._read_sizes()
        await until(lambda: (r := _row(pane, f"{name}-db")) is not None and (r.size or 0) >= 200000,
                    20, "the size of the volume")  # fmt: skip
        assert "sizes read" in pane.count_label.text()

        pane.filter_box.setText(name)
        pane.show_only.setCurrentIndex(2)  # unused
        assert _shown(pane) == {f"{name}-idle"}
        pane.show_only.setCurrentIndex(1)  # in use
        assert f"{name}-db" in _shown(pane)
        assert f"{name}-idle" not in _shown(pane)
        pane.show_only.setCurrentIndex(0)
        pane.filter_box.setText("")

    run(scenario())


def test_create_and_remove_with_the_in_use_guard(
    window: MainWindow, busybox_image: str, name: str, run: Any
) -> None:
    pane = _pane(window)

    async def scenario() -> None:
        pane.create_action.trigger()
        await until(lambda: isinstance(pane.dialog, CreateVolumeDialog), 5, "the create dialog")
        dialog = pane.dialog
        assert isinstance(dialog, CreateVolumeDialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        dialog.name.setText("no spaces allowed")
        assert not ok.isEnabled()
        assert "starts with a letter or digit" in dialog.problem.text()
        dialog.name.setText(name)
        dialog.labels.set_values([f"{TEST_LABEL}=1"])
        assert dialog.command.text() == f"docker volume create --label {TEST_LABEL}=1 {name}"
        ok.click()
        await until(lambda: _row(pane, name) is not None, 10, "the new volume listed")
        await until(lambda: pane.selected() is not None and pane.selected().name == name, 5,  # type: ignore[union-attr]
                    "the new volume selected")  # fmt: skip

        await docker_async("create", f"--label={TEST_LABEL}=1", "--name", f"{name}-user",
                           "-v", f"{name}:/data", busybox_image, "true")  # fmt: skip
        await until(lambda: (r := _row(pane, name)) is not None and r.in_use, 10, "in use")
        row = _row(pane, name)
        assert row is not None
        remove = asyncio.ensure_future(pane.remove([row]))
        words = await answer_choice(pane, "cancel")
        assert await remove is False
        assert f"{name}-user" in words
        assert _row(pane, name) is not None
        assert f"{name} in use" in pane.message.text()

        await docker_async("rm", f"{name}-user")
        await until(lambda: (r := _row(pane, name)) is not None and not r.in_use, 10, "unused")
        row = _row(pane, name)
        assert row is not None
        remove = asyncio.ensure_future(pane.remove([row]))
        await answer_choice(pane, "remove")
        assert await remove is True
        await until(lambda: _row(pane, name) is None, 10, "the volume gone from the list")
        assert (
            await docker_async("volume", "ls", "-q", "--filter", f"name=^{name}$")
        ).strip() == ""

    run(scenario())


def test_prune_preview_lists_exactly_what_goes(
    window: MainWindow, busybox_image: str, name: str, run: Any
) -> None:
    pane = _pane(window)
    mark = f"{TEST_LABEL}={name}"

    async def scenario() -> None:
        for suffix in ("a", "b", "kept"):
            await docker_async("volume", "create", "--label", mark, f"{name}-{suffix}")
        await docker_async(
            "create", "--label", mark, "-v", f"{name}-kept:/k", busybox_image, "true"
        )
        await until(
            lambda: (r := _row(pane, f"{name}-kept")) is not None and r.in_use, 10, "listed"
        )
        pruning = asyncio.ensure_future(pane.prune_dialog(label=mark))
        await until(lambda: isinstance(pane.dialog, PruneDialog), 5, "the prune preview")
        dialog = pane.dialog
        assert isinstance(dialog, PruneDialog)
        listed = {dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}  # type: ignore[union-attr]
        # Engine API 1.41 here: a prune takes unused named volumes too, and says so.
        assert listed == {f"{name}-a", f"{name}-b"}
        assert "named volumes included" in dialog.explain.text()
        assert dialog.command.text() == f"docker volume prune --filter label={mark} --force"
        dialog.remove.click()
        done = await pruning
        assert done is not None
        assert set(done.result or []) == listed
        left = (await docker_async("volume", "ls", "-q", "--filter", f"label={mark}")).split()
        assert left == [f"{name}-kept"]

    run(scenario())


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_export_import_and_clone(
    window: MainWindow, busybox_image: str, name: str, tmp_path: Path, run: Any
) -> None:
    pane = _pane(window)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>hello</h1>\n")
    (tmp_path / "big.bin").write_bytes(os.urandom(2_000_000))

    async def scenario() -> None:
        await docker_async("volume", "create", f"--label={TEST_LABEL}=1", name)
        await until(lambda: _row(pane, name) is not None, 10, "listed")
        row = _row(pane, name)
        assert row is not None
        assert await pane.upload_to(name, [str(tmp_path / "site"), str(tmp_path / "big.bin")])
        files = pane.open_files(row)
        assert files is not None
        await until(lambda: files.tree_data is not None, 10, "the files read")
        shown = [files.tree.topLevelItem(i).text(0) for i in range(files.tree.topLevelItemCount())]  # type: ignore[union-attr]
        assert shown == ["site", "big.bin"]
        assert files.select_path("site/index.html")
        assert files.selected_path() == "site/index.html"
        assert files.target_folder() == "site"

        saved = tmp_path / "got.bin"
        assert await pane.download_to(name, "big.bin", str(saved))
        assert _sha(saved) == _sha(tmp_path / "big.bin")
        files.close()

        archive = tmp_path / "backup.tar"
        assert await pane.export_to(row, str(archive)) is True
        assert "verified" in pane.message.text()

        imported = asyncio.ensure_future(pane.import_dialog(str(archive)))
        await until(lambda: isinstance(pane.dialog, ImportDialog), 5, "the import dialog")
        dialog = pane.dialog
        assert isinstance(dialog, ImportDialog)
        dialog.target.setCurrentText(name)  # an existing volume: say what is overwritten
        await until(lambda: "overwritten" in dialog.note.text(), 10, "the overwrite note")
        assert "big.bin" in dialog.note.text()
        dialog.target.setCurrentText(f"{name}-restored")
        assert "A new volume" in dialog.note.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert await imported is not None
        await until(lambda: _row(pane, f"{name}-restored") is not None, 10, "the new volume")

        clone = await pane.clone(row, f"{name}-clone")
        assert clone is not None
        for other in (f"{name}-restored", f"{name}-clone"):
            out = tmp_path / f"{other}.bin"
            assert await pane.download_to(other, "big.bin", str(out))
            assert _sha(out) == _sha(tmp_path / "big.bin")
        await docker_async("volume", "rm", f"{name}-restored", f"{name}-clone")

    run(scenario())


def test_the_run_dialog_offers_existing_volumes(
    window: MainWindow, busybox_image: str, name: str, run: Any
) -> None:
    async def scenario() -> None:
        await docker_async("volume", "create", f"--label={TEST_LABEL}=1", name)
        await until(lambda: _row(_pane(window), name) is not None, 10, "listed")
        assert window.session is not None
        dialog = RunDialog(window.session, parent=window)
        picker = dialog.findChild(QComboBox, "runVolumePicker")
        assert picker is not None
        index = picker.findData(name)
        assert index > 0
        picker.activated.emit(index)
        assert dialog.volumes.values()[-1] == f"{name}:/data"
        dialog.deleteLater()

    run(scenario())
