"""What a volume's files go through in the Volumes pane: the file browser with download
and upload, export (checked against the volume afterwards), import and clone; with the
offer to stop running containers that use the volume for the duration."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from qasync import asyncSlot

from desktop_app import notify
from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.panes.base import ListPane
from desktop_app.panes.volumes.dialogs import ImportDialog, NameDialog
from desktop_app.panes.volumes.files import VolumeFiles
from desktop_app.panes.volumes.rows import VolumeRow
from desktop_app.tasks import LatestTask
from engine_bridge import (
    EngineError,
    Operation,
    archive_names,
    clone_volume,
    download,
    export_volume,
    import_volume,
    short_name,
    upload,
    verify_export,
    volume_tree,
)


class VolumeTransfers(ListPane[VolumeRow]):
    """The file work of the Volumes pane (VolumesPane adds the list's own actions).
    Attribute: `files`, the file browser open now, if any."""

    files: VolumeFiles | None = None

    # --- files ----------------------------------------------------------------------------

    @asyncSlot()
    async def _on_files(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_files(row)

    def open_files(self, row: VolumeRow) -> VolumeFiles | None:
        if self.session is None or self.session.bridge is None:
            return None
        if self.files is not None:
            self.files.close()
        self.files = VolumeFiles(row.name, [u.name for u in row.running_users], self)
        self.files.download_requested.connect(self._on_download)
        self.files.upload_requested.connect(self._on_upload)
        self.files.show()
        self.files.read(self.session.bridge)
        return self.files

    @asyncSlot(str)
    async def _on_download(self, path: str) -> None:
        files = self.files
        if files is None or files.tree_data is None:
            return
        entry = files.tree_data.entries.get(path)
        folder = entry is not None and entry.kind == "folder"
        target = await self._file(
            QFileDialog.AcceptMode.AcceptSave, Path(path).name + (".tar" if folder else "")
        )
        if target:
            await self.download_to(files.name, path, target, files.tree_data.total(path))

    async def download_to(
        self, name: str, path: str, target: str, size: int = 0
    ) -> Operation[int] | None:
        return await self.perform(
            download(name, path, target, size), done=f"Saved {Path(path).name} to {target}."
        )

    @asyncSlot(str, bool)
    async def _on_upload(self, folder: str, folders: bool) -> None:
        if self.files is None:
            return
        if folders:
            chosen = QFileDialog.getExistingDirectory(self, "Upload a folder")
            sources = [chosen] if chosen else []
        else:
            sources, _ = QFileDialog.getOpenFileNames(self, "Upload files")
        if sources:
            await self.upload_to(self.files.name, sources, folder)

    async def upload_to(
        self, name: str, sources: list[str], folder: str = ""
    ) -> Operation[int] | None:
        done = await self.perform(
            upload(name, sources, folder),
            key=name,
            done=f"Uploaded {len(sources)} item(s) to {short_name(name)}/{folder}.",
        )
        if done is not None and self.files is not None and self.files.name == name:
            self.files.reload()
        return done

    # --- export, import, clone -------------------------------------------------------------

    async def _stop_for_copy(self, row: VolumeRow, verb: str) -> tuple[str, ...] | None:
        """Running users: ask whether to stop them for the duration. None: the user cancelled."""
        running = row.running_users
        if not running:
            return ()
        dialog = ChoiceDialog(
            f"{verb} a volume in use",
            f"<p>{short_name(row.name)} is used by running containers: "
            f"{', '.join(u.name for u in running)}.</p><p>A copy taken while they write may be "
            "inconsistent. Dockyard can stop them for the duration and start them again after.</p>",
            [("anyway", f"{verb} anyway"), ("stop", "Stop them meanwhile")],
            self,
        )
        if not await self.ask(dialog) or dialog.chosen is None:
            return None
        return tuple(u.name for u in running) if dialog.chosen == "stop" else ()

    @asyncSlot()
    async def _on_export(self) -> None:
        row = self.selected()
        if row is None:
            return
        stop = await self._stop_for_copy(row, "Export")
        if stop is None:
            return
        target = await self._file(QFileDialog.AcceptMode.AcceptSave, f"{row.name}.tar")
        if target:
            await self.export_to(row, target, stop)

    async def export_to(self, row: VolumeRow, target: str, stop: tuple[str, ...] = ()) -> bool:
        """Export, then check the archive against the volume; True when verified."""
        done = await self.perform(
            export_volume(row.name, target, row.size or 0, stop), key=row.name
        )
        if done is None:
            return False
        check = await self.perform(verify_export(row.name, target), key=row.name)
        if check is None or check.result is None:
            return False
        if check.result.verified:
            self.say(
                notify.good(
                    f"Exported {short_name(row.name)} to {target}: verified, "
                    f"{check.result.checked} entries match the volume."
                )
            )
            return True
        differ = [*check.result.different, *check.result.missing, *check.result.extra]
        self.say(
            notify.bad(
                f"Exported to {target}, but it differs from the volume now in "
                f"{len(differ)} entries ({', '.join(differ[:5])}): files changed "
                "while copying? Export again with the containers stopped."
            )
        )
        return False

    @asyncSlot()
    async def _on_import(self) -> None:
        source = await self._file(QFileDialog.AcceptMode.AcceptOpen, "")
        if source:
            await self.import_dialog(source)

    async def import_dialog(self, source: str) -> Operation[int] | None:
        if self.session is None or self.session.bridge is None:
            return None
        try:
            names = archive_names(source)
        except (OSError, ValueError) as exc:
            self.say(
                notify.bad(
                    f"{source} cannot be read as a .tar archive ({exc}). "
                    "Pick a .tar made by an export, or by tar."
                )
            )
            return None
        rows = {r.name: r for r in self.model.rows()}
        dialog = ImportDialog(source, names, sorted(rows), self)
        bridge = self.session.bridge
        reading = LatestTask("import-preview")

        async def existing(name: str) -> None:
            try:
                tree = await volume_tree(bridge, name)
            except EngineError:
                dialog.set_existing_files(set())
                return
            dialog.set_existing_files({p for p, e in tree.entries.items() if e.kind != "folder"})

        dialog.target.currentTextChanged.connect(
            lambda name: reading.start(existing(name)) if name in rows else None
        )
        answer = await self.ask(dialog)
        reading.cancel()
        if not answer:
            return None
        return await self.import_into(source, dialog.name, dialog.creates)

    async def import_into(self, source: str, name: str, create: bool) -> Operation[int] | None:
        row = self.model.row(name)
        stop: tuple[str, ...] = ()
        if row is not None:
            asked = await self._stop_for_copy(row, "Import")
            if asked is None:
                return None
            stop = asked
        return await self.perform(
            import_volume(source, name, create, stop=stop),
            done=f"Imported {Path(source).name} into {short_name(name)}.",
        )

    @asyncSlot()
    async def _on_clone(self) -> None:
        row = self.selected()
        if row is None:
            return
        taken = {r.name for r in self.model.rows()}
        dialog = NameDialog(
            "Clone a volume",
            f"A new volume with a copy of {short_name(row.name)}'s files:",
            f"{row.name}-copy",
            taken,
            self,
        )
        if await self.ask(dialog):
            stop = await self._stop_for_copy(row, "Clone")
            if stop is not None:
                await self.clone(row, dialog.value(), stop)

    async def clone(
        self, row: VolumeRow, target: str, stop: tuple[str, ...] = ()
    ) -> Operation[int] | None:
        done = await self.perform(
            clone_volume(row.name, target, row.size or 0, stop),
            done=f"Cloned {short_name(row.name)} to {target}.",
        )
        if done is not None:
            self.select_when_listed(target)
        return done

    async def _file(self, mode: QFileDialog.AcceptMode, suggested: str) -> str:
        dialog = QFileDialog(
            self, "Export to" if mode == QFileDialog.AcceptMode.AcceptSave else "Import from"
        )
        dialog.setAcceptMode(mode)
        dialog.setNameFilters(["Tar archives (*.tar)", "All files (*)"])
        if suggested:
            dialog.selectFile(suggested)
        if not await self.ask(dialog):
            return ""
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen else ""
