"""The Images pane: every local image by tag, and what to do with them: pull, push, tag,
run, remove, prune, save and load; registry logins; and a close look at one image."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QWidget,
)
from qasync import asyncSlot

from desktop_app import theme
from desktop_app.dialogs.choice import ChoiceDialog
from desktop_app.learning import text
from desktop_app.panes import PaneContext
from desktop_app.panes.base import ROW_ROLE, ListPane
from desktop_app.panes.images.login_dialog import RegistryLoginDialog
from desktop_app.panes.images.reference_dialog import ImageReferenceDialog
from desktop_app.panes.images.rows import (
    COUNT_MEANING,
    CREATED,
    ImageRow,
    ImageRows,
    count_text,
    rows_of,
)
from desktop_app.presentation import counted, decimal_size
from engine_bridge import (
    Credentials,
    EngineError,
    ErrorKind,
    Operation,
    TransferProgress,
    images_disk_usage,
    load_image,
    log_in,
    log_out,
    prune_images,
    pull_image,
    push_image,
    remove_image,
    run_blocking,
    save_image,
    tag_image,
)
from engine_bridge.specs.image_ref import parse_image_ref

T = TypeVar("T")

if TYPE_CHECKING:  # details are made when an image is first chosen: start-up does not pay
    from desktop_app.panes.images.details import ImageDetails
    from desktop_app.session import EngineSession
    from engine_bridge import EngineState


class ImagesPane(ListPane[ImageRow]):
    """Local images and registries.

    Signals: `run_requested(str)` with the image reference to run a container from.
    Beyond ListPane's attributes: `credentials`, `show_dangling`, one QAction per action.
    """

    run_requested = Signal(str)
    title = "Images"
    kind = "image"
    topic = "images"
    concept = "concept.tags-digests"
    filter_hint = "Filter by repository, tag or ID"
    fmt: ImageRows = ImageRows()
    follows = frozenset({"container"})

    def __init__(self, context: PaneContext, parent: QWidget | None = None) -> None:
        self.credentials = context.credentials
        self.show_dangling = QCheckBox("Show dangling")
        self.show_dangling.setToolTip("Also list images that no tag points to any more")
        super().__init__(context, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.show_dangling.toggled.connect(self._on_show_dangling)
        self.count_label.setToolTip(COUNT_MEANING)
        self._on_show_dangling(False)
        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # --- ListPane's hooks -----------------------------------------------------------------

    def make_actions(self) -> None:
        self.pull_action = self.action("Pull…", "Ctrl+P", "Fetch an image from a registry",
                                       self._on_pull)  # fmt: skip
        self.run_action = self.action("Run…", "Ctrl+R", "Make a container from this image",
                                      self._on_run)  # fmt: skip
        self.push_action = self.action("Push", "", "Send this image to its registry", self._on_push)
        self.tag_action = self.action(
            "Tag…", "Ctrl+T", "Give this image another name", self._on_tag
        )
        self.remove_action = self.action("Remove", QKeySequence.StandardKey.Delete, "docker rmi",
                                         self._on_remove)  # fmt: skip
        self.toolbar.addSeparator()
        self.prune_action = self.action("Prune…", "", "Remove dangling or unused images",
                                        self._on_prune)  # fmt: skip
        self.save_action = self.action("Save…", "", "Write this image to a tar file", self._on_save)
        self.load_action = self.action("Load…", "", "Read images from a tar file", self._on_load)
        self.toolbar.addSeparator()
        self.login_action = self.action("Registries…", "", "Log in to or out of registries",
                                        self._on_registries)  # fmt: skip

    def header_widgets(self) -> list[QWidget]:
        return [self.show_dangling]

    def rows_from(self, state: EngineState) -> list[ImageRow]:
        return rows_of(state.of("image").values(), state.of("container").values())

    def count_text(self, rows: Sequence[ImageRow]) -> str:
        return count_text(rows)

    def make_details(self) -> ImageDetails:
        from desktop_app.panes.images.details import ImageDetails

        details = ImageDetails(self.credentials)
        details.attach(self.session)
        return details

    @property
    def details(self) -> ImageDetails:
        """The close look under the list: layers, configuration, digests."""
        return cast("ImageDetails", super().details)

    def show_details(self, row: ImageRow | None) -> None:
        self.details.show_row(row)

    def reveal_hidden(self) -> None:
        self.show_dangling.setChecked(True)

    def attach(self, session: EngineSession | None) -> None:
        super().attach(session)
        if self._details is not None:
            self.details.attach(session)

    def update_actions(self) -> None:
        row = self.selected()
        live = self.live
        for action in (self.pull_action, self.prune_action, self.load_action, self.login_action):
            action.setEnabled(live)
        for action in (self.run_action, self.tag_action, self.remove_action, self.save_action):
            action.setEnabled(live and row is not None)
        self.push_action.setEnabled(live and row is not None and bool(row.repository))

    def _on_show_dangling(self, show: bool) -> None:
        self.proxy.set_keep(lambda row: show or not row.dangling)

    def _tick(self) -> None:
        self.fmt.now = datetime.now(UTC)
        if self.model.rowCount():
            column = CREATED
            self.model.dataChanged.emit(
                self.model.index(0, column), self.model.index(self.model.rowCount() - 1, column)
            )

    def select(self, key: str) -> bool:
        """Select the row of `key`: repo:tag, or an image ID; False if none."""
        for number in range(self.proxy.rowCount()):
            row = self.proxy.index(number, 0).data(ROW_ROLE)
            if isinstance(row, ImageRow) and key in (row.reference, row.image.id):
                self.view.selectRow(number)
                return True
        return False

    async def _login_for(self, reference: str) -> Credentials | None:
        host = parse_image_ref(reference).registry_host
        return await run_blocking(None, self.credentials.get, host)

    # --- pull and push ----------------------------------------------------------------

    @asyncSlot()
    async def _on_pull(self) -> None:
        await self.open_pull_dialog()

    async def open_pull_dialog(self, initial: str = "") -> Operation[TransferProgress] | None:
        """Ask which image to pull (the field filled with `initial`), then pull it."""
        dialog = ImageReferenceDialog(
            "Pull an image", "Pull", "images.reference",
            command_of=lambda v: f"docker pull {v}", initial=initial, parent=self,
        )  # fmt: skip
        if await self.ask(dialog):
            return await self.pull(dialog.value())
        return None

    async def pull(self, reference: str) -> Operation[TransferProgress] | None:
        """Pull `reference`; when the registry wants a login, offer one and try again."""
        self.say(f"Pulling {reference}… (progress in Activity)")
        done = await self.perform(pull_image(reference, await self._login_for(reference)))
        if done is None and self._wants_login() and await self._offer_login(reference):
            done = await self.perform(pull_image(reference, await self._login_for(reference)))
        if done is not None:
            # The engine's own last word: "Downloaded newer image for …" or "Image is up to
            # date for …" (a pull of what is already here transfers nothing).
            outcome = done.result.status if done.result is not None else ""
            self.say(f"Pulled {done.target}." + (f" {outcome}." if outcome else ""))
        return done

    def _wants_login(self) -> bool:
        return self.last_error is not None and self.last_error.kind is ErrorKind.UNAUTHORIZED

    async def _offer_login(self, reference: str) -> bool:
        host = parse_image_ref(reference).registry_host
        dialog = ChoiceDialog(
            "Log in?",
            f"<b>{host}</b> wants a login for {reference}. Log in and try again?",
            [("login", "Log in…")],
            self,
        )
        if not await self.ask(dialog) or dialog.chosen != "login":
            return False
        return await self.log_in_dialog(host)

    @asyncSlot()
    async def _on_push(self) -> None:
        row = self.selected()
        if row is None or not row.repository:
            return
        if not parse_image_ref(row.reference).registry:
            dialog = ChoiceDialog(
                "Push to Docker Hub?",
                f"<b>{row.reference}</b> names no registry host, so it would go to Docker Hub. "
                f"{text('images.tag')}",
                [("tag", "Tag for a registry…"), ("push", "Push to Docker Hub")],
                self,
            )
            if not await self.ask(dialog) or dialog.chosen is None:
                return
            if dialog.chosen == "tag":
                await self.tag_dialog(row)
                return
        await self.push(row.reference)

    async def push(self, reference: str) -> Operation[TransferProgress] | None:
        self.say(f"Pushing {reference}… (progress in Activity)")
        done = await self.perform(push_image(reference, await self._login_for(reference)))
        if done is None and self._wants_login() and await self._offer_login(reference):
            done = await self.perform(push_image(reference, await self._login_for(reference)))
        if done is not None:
            digest = done.result.digest if done.result is not None else ""
            self.say(f"Pushed {reference}" + (f" as {digest}." if digest else "."))
        return done

    # --- tag, run, remove -------------------------------------------------------------

    @asyncSlot()
    async def _on_tag(self) -> None:
        row = self.selected()
        if row is not None:
            await self.tag_dialog(row)

    async def tag_dialog(self, row: ImageRow) -> Operation[None] | None:
        source = row.reference
        dialog = ImageReferenceDialog(
            f"Tag {source}", "Tag", "images.tag", initial=row.repository and source,
            command_of=lambda v: f"docker tag {source} {v}", parent=self,
        )  # fmt: skip
        if not await self.ask(dialog):
            return None
        done = await self.perform(tag_image(source, dialog.value()))
        if done is not None:
            self.say(f"{source} is now also {dialog.value()}.")
        return done

    @asyncSlot()
    async def _on_run(self) -> None:
        row = self.selected()
        if row is not None:
            self.run_requested.emit(row.reference)

    @asyncSlot()
    async def _on_remove(self) -> None:
        row = self.selected()
        if row is not None:
            await self.remove(row)

    async def remove(self, row: ImageRow) -> Operation[None] | None:
        """Ask first, saying what goes; refuse while a running container uses the image."""
        users = row.users
        running = [c.name for c in users if c.state == "running"]
        stopped = [c.name for c in users if c.state != "running"]
        if running:
            dialog = ChoiceDialog(
                "The image is in use",
                f"Running containers use <b>{row.reference}</b>: {_names(running)}. Stop "
                "and remove them first; an image cannot go while a container runs from it.",
                [],
                self,
            )
            await self.ask(dialog)
            self.say(f"Not removed: {_names(running)} still running from it.", bad=True)
            return None
        size = decimal_size(row.image.size)
        if row.other_tags:
            message = (
                f"<b>{row.reference}</b> is one of {len(row.image.repo_tags)} names of the same "
                f"image ({', '.join(row.other_tags)}). Removing the tag leaves the image and "
                f"its other names; removing the image ({size}) takes all of them."
            )
            choices = [("untag", "Remove this tag"), ("all", "Remove the image and all tags")]
        elif stopped:
            message = (
                f"Stopped containers were made from <b>{row.reference}</b>: "
                f"{_names(stopped)}. The engine removes it only by force; those containers "
                f"stay, but could not be started again from a fresh copy. Frees up to {size}."
            )
            choices = [("all", "Remove by force")]
        else:
            message = f"Remove <b>{row.reference}</b>? Frees up to {size}."
            choices = [("untag", "Remove")]
        dialog = ChoiceDialog("Remove image", message, choices, self, destructive=("all",))
        if not await self.ask(dialog) or dialog.chosen is None:
            return None
        if dialog.chosen == "untag":
            operation = remove_image(row.reference)
        else:
            operation = remove_image(row.image.id, force=True)
        done = await self.perform(operation)
        if done is not None:
            self.say(f"Removed {row.reference}.")
        return done

    # --- prune, save, load ------------------------------------------------------------

    @asyncSlot()
    async def _on_prune(self) -> None:
        await self.prune_dialog()

    async def prune_dialog(self) -> Operation[int] | None:
        bridge = self.session.bridge if self.session else None
        if bridge is None:
            return None
        self.say("Working out what a prune would free…")
        try:
            usage = await images_disk_usage(bridge)
        except EngineError as exc:
            self.say(exc.in_words(hint=False), bad=True)
            return None
        unused = [i for i in usage if int(i.get("Containers") or 0) == 0]
        dangling = [i for i in unused if not [t for t in i.get("RepoTags") or []
                                              if t != "<none>:<none>"]]  # fmt: skip

        def freed(found: list[dict[str, Any]]) -> str:
            total = sum(int(i.get("Size") or 0) - int(i.get("SharedSize") or 0) for i in found)
            return decimal_size(max(total, 0))

        self.message.hide()
        dialog = ChoiceDialog(
            "Prune images",
            f"{text('images.prune')}<br><br>{counted(len(dangling), 'dangling image')} would "
            f"free about <b>{freed(dangling)}</b>; "
            f"{'the' if len(unused) == 1 else 'all'} {counted(len(unused), 'unused image')} about "
            f"<b>{freed(unused)}</b>.",
            [("dangling", "Remove dangling"), ("unused", "Remove all unused")],
            self,
            destructive=("unused",),
        )
        if not await self.ask(dialog) or dialog.chosen is None:
            return None
        done = await self.perform(prune_images(unused=dialog.chosen == "unused"))
        if done is not None:
            freed_now = done.result or 0
            self.say(f"Pruned: {decimal_size(freed_now)} freed.")
        return done

    @asyncSlot()
    async def _on_save(self) -> None:
        row = self.selected()
        if row is None:
            return
        suggested = (row.repository.rsplit("/", 1)[-1] or row.image.short_id) + ".tar"
        path = await self._file(QFileDialog.AcceptMode.AcceptSave, suggested)
        if path:
            await self.save_to(row, path)

    async def save_to(self, row: ImageRow, path: str) -> Operation[int] | None:
        done = await self.perform(save_image([row.reference], path, row.image.size))
        if done is not None:
            self.say(f"Saved {row.reference} to {path}.")
        return done

    @asyncSlot()
    async def _on_load(self) -> None:
        path = await self._file(QFileDialog.AcceptMode.AcceptOpen, "")
        if path:
            await self.load_from(path)

    async def load_from(self, path: str) -> Operation[list[str]] | None:
        done = await self.perform(load_image(path))
        if done is not None:
            loaded = done.result or []
            self.say("; ".join(loaded) or f"Loaded {path}.")
        return done

    async def _file(self, mode: QFileDialog.AcceptMode, suggested: str) -> str:
        dialog = QFileDialog(self, "Save image as" if suggested else "Load images from")
        dialog.setAcceptMode(mode)
        dialog.setNameFilters(["Image archives (*.tar *.tar.gz)", "All files (*)"])
        if suggested:
            dialog.selectFile(suggested)
        if not await self.ask(dialog):
            return ""
        files = dialog.selectedFiles()
        return files[0] if files else ""

    # --- registries -------------------------------------------------------------------

    @asyncSlot()
    async def _on_registries(self) -> None:
        usable, why = await run_blocking(None, self.credentials.available)
        logins = await run_blocking(None, self.credentials.registries) if usable else {}
        choices = [("login", "Log in…")] if usable else []
        choices += [(f"logout:{host}", f"Log out of {host}") for host in sorted(logins)]
        listed = "".join(f"<li>{host} as {user}</li>" for host, user in sorted(logins.items()))
        if not usable:
            words = f"<span style='color:{theme.colour('bad')}'>{why}</span>"
        elif listed:
            words = f"Logged in here:<ul>{listed}</ul>{text('registry.login')}"
        else:
            words = f"No logins kept by Dockyard. {text('registry.login')}"
        dialog = ChoiceDialog("Registries", words, choices, self)
        if not await self.ask(dialog) or dialog.chosen is None:
            return
        if dialog.chosen == "login":
            await self.log_in_dialog("")
        elif dialog.chosen.startswith("logout:"):
            host = dialog.chosen.removeprefix("logout:")
            if await self.perform(log_out(host, self.credentials)):
                self.say(f"Logged out of {host}.")

    async def log_in_dialog(self, host: str) -> bool:
        usable, why = await run_blocking(None, self.credentials.available)
        dialog = RegistryLoginDialog(host, "" if usable else why, self)
        if not await self.ask(dialog):
            return False
        return await self.log_in(
            Credentials(
                dialog.registry.text().strip(), dialog.username.text().strip(),
                dialog.password.text(),
            )
        )  # fmt: skip

    async def log_in(self, credentials: Credentials) -> bool:
        done = await self.perform(log_in(credentials, self.credentials))
        if done is not None:
            self.say(f"Logged in to {credentials.registry} as {credentials.username}.")
        return done is not None


def _names(names: list[str], shown: int = 6) -> str:
    """Container names for a sentence; a long list ends with how many more there are."""
    ordered = sorted(names)
    if len(ordered) <= shown:
        return ", ".join(ordered)
    return f"{', '.join(ordered[:shown])} and {len(ordered) - shown} more"
