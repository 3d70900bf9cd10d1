"""A volume's files: browse, download, upload, export to a .tar, import from one, clone,
and check an export against the volume.

No helper image is pulled and nothing runs: a container that is created but never started
mounts the volume, and the Engine API's archive endpoints read and write its files (what
`docker cp` does). It uses the smallest local image; on an engine with none, an empty image
is imported from an empty tar. The helper carries HELPER_LABEL, is removed afterwards
(without its volumes), and mounts with "nocopy", so nothing of its image lands in a volume.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import posixpath
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine_bridge import sdk
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation
from engine_bridge.resources.volumes.actions import LOCAL_DRIVER, short_name
from engine_bridge.specs.sizes import decimal_size

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

HELPER_LABEL = "com.dockyard.helper"
EMPTY_IMAGE = "dockyard/empty:latest"
MOUNT = "/dockyard-volume"
_BLOCK = 1024 * 1024
_TAR_BLOCK = 512


# --- what a volume holds --------------------------------------------------------------


@dataclass(frozen=True)
class VolumeFile:
    """One entry of a volume: `path` relative to its root ("" is the root itself)."""

    path: str
    kind: str  # "file", "folder", "link" or "other"
    size: int
    mode: int
    modified: datetime | None
    link_target: str = ""

    @property
    def name(self) -> str:
        return posixpath.basename(self.path) or "/"

    @property
    def parent(self) -> str | None:
        return None if not self.path else posixpath.dirname(self.path)


@dataclass
class VolumeTree:
    """Every entry of a volume, and each folder's total size (files below it)."""

    entries: dict[str, VolumeFile] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    def children(self, folder: str) -> list[VolumeFile]:
        return sorted(
            (e for e in self.entries.values() if e.path and e.parent == folder),
            key=lambda e: (e.kind != "folder", e.name.lower()),
        )

    def total(self, path: str) -> int:
        entry = self.entries.get(path)
        if entry is not None and entry.kind != "folder":
            return entry.size
        return self.totals.get(path, 0)

    @property
    def size(self) -> int:
        return self.totals.get("", 0)

    @property
    def files(self) -> int:
        return sum(1 for e in self.entries.values() if e.kind == "file")


def _relative(name: str) -> str:
    """A tar member's name relative to the volume root: "./a/b" -> "a/b", "." -> ""."""
    path = posixpath.normpath(name.lstrip("/"))
    return "" if path == "." else path.removeprefix("./")


def _entry(member: tarfile.TarInfo) -> VolumeFile:
    kind = ("folder" if member.isdir() else "file" if member.isfile()
            else "link" if member.issym() or member.islnk() else "other")  # fmt: skip
    return VolumeFile(
        _relative(member.name), kind, member.size if member.isfile() else 0, member.mode,
        datetime.fromtimestamp(member.mtime, UTC) if member.mtime else None, member.linkname,
    )  # fmt: skip


def tree_of(members: Iterable[tarfile.TarInfo]) -> VolumeTree:
    tree = VolumeTree()
    for member in members:
        entry = _entry(member)
        tree.entries[entry.path] = entry
        if entry.kind == "file":
            folder: str | None = entry.parent
            while folder is not None:
                tree.totals[folder] = tree.totals.get(folder, 0) + entry.size
                folder = posixpath.dirname(folder) if folder else None
    tree.totals.setdefault("", 0)
    return tree


# --- streaming tar in and out ----------------------------------------------------------


class _ChunkReader(io.RawIOBase):
    """A file to read from an iterator of byte chunks (an archive as the engine sends it)."""

    def __init__(self, chunks: Iterator[bytes], on_chunk: Callable[[int], None]) -> None:
        self._chunks, self._pending, self._on_chunk = chunks, b"", on_chunk

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._on_chunk(len(chunk))
            self._pending = chunk
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _members(stream: Iterator[bytes], on_chunk: Callable[[int], None],
             hash_files: bool = False) -> Iterator[tuple[tarfile.TarInfo, str]]:  # fmt: skip
    """Each member of a streamed tar, with its content's SHA-256 when asked."""
    reader = io.BufferedReader(_ChunkReader(stream, on_chunk), _BLOCK)
    with tarfile.open(fileobj=reader, mode="r|") as archive:
        for member in archive:
            digest = ""
            if hash_files and member.isfile():
                content = archive.extractfile(member)
                sha = hashlib.sha256()
                while content is not None and (block := content.read(_BLOCK)):
                    sha.update(block)
                digest = sha.hexdigest()
            yield member, digest


def _padding(size: int) -> bytes:
    return b"\0" * (-size % _TAR_BLOCK)


def tar_of(sources: Iterable[tuple[Path, str]], op: Operation[Any] | None = None,
           total: int = 0) -> Iterator[bytes]:  # fmt: skip
    """A tar stream of local files and folders (each with the name it gets in the archive),
    read a block at a time, so that any size streams in little memory."""
    sent = 0
    started = time.monotonic()
    for path, arcname in sources:
        walk = [(path, arcname)]
        if path.is_dir() and not path.is_symlink():
            walk += [
                (
                    Path(root) / name,
                    posixpath.join(arcname, os.path.relpath(Path(root) / name, path)),
                )
                for root, dirs, files in os.walk(path)
                for name in sorted(dirs) + sorted(files)
            ]
        for local, name in walk:
            info = tarfile.TarInfo(name)
            stat = local.lstat()
            info.mode, info.mtime = stat.st_mode & 0o7777, int(stat.st_mtime)
            if local.is_symlink():
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(local)
            elif local.is_dir():
                info.type = tarfile.DIRTYPE
            else:
                info.size = stat.st_size
            yield info.tobuf(format=tarfile.PAX_FORMAT)
            if info.isfile():
                with open(local, "rb") as content:
                    while block := content.read(_BLOCK):
                        if op is not None:
                            op.check_cancelled()
                            sent += len(block)
                            _report(op, sent, total, started, "sent")
                        yield block
                yield _padding(info.size)
    yield b"\0" * (2 * _TAR_BLOCK)


class _Counted:
    """Blocks passed on as they come, with Cancel checked and progress (bytes, speed)
    reported between them; `done` is how many bytes went by."""

    def __init__(self, blocks: Iterable[bytes], op: Operation[Any], total: int, verb: str) -> None:
        self._blocks, self._op, self._total, self._verb = blocks, op, total, verb
        self.done = 0

    def __iter__(self) -> Iterator[bytes]:
        started = time.monotonic()
        for block in self._blocks:
            self._op.check_cancelled()
            self.done += len(block)
            _report(self._op, self.done, self._total, started, self._verb)
            yield block


def _report(op: Operation[Any], done: int, total: int, started: float, verb: str) -> None:
    elapsed = max(time.monotonic() - started, 1e-6)
    speed = f"{decimal_size(int(done / elapsed))}/s"
    if total > 0:
        op.report(
            min(done / total, 1.0), f"{decimal_size(done)} of {decimal_size(total)} {verb}, {speed}"
        )
    else:
        op.report(None, f"{decimal_size(done)} {verb}, {speed}")


# --- the helper container ---------------------------------------------------------------


def _empty_tar() -> bytes:
    return b"\0" * (2 * _TAR_BLOCK)


def helper_image(client: Any) -> str:
    """An image to make helper containers from: the smallest local one, or else an empty
    image imported from an empty tar (nothing is pulled)."""
    images = client.api.images()
    if images:
        return str(min(images, key=lambda i: int(i.get("Size") or 0))["Id"])
    repository, tag = EMPTY_IMAGE.split(":")
    client.api.import_image_from_data(_empty_tar(), repository=repository, tag=tag)
    return EMPTY_IMAGE


def _check_volume(client: Any, name: str) -> None:
    # A mount of a volume that does not exist would make one: check first.
    client.api.inspect_volume(name)


@contextmanager
def helper(client: Any, mounts: dict[str, tuple[str, bool]]) -> Iterator[str]:
    """A created, never started container mounting each volume (target -> (name,
    read-only)); removed on the way out, its volumes kept."""
    for name, _read_only in mounts.values():
        _check_volume(client, name)
    config = client.api.create_host_config(
        mounts=[
            {
                "Type": "volume",
                "Source": name,
                "Target": target,
                "ReadOnly": read_only,
                "VolumeOptions": {"NoCopy": True},
            }
            for target, (name, read_only) in mounts.items()
        ],
        network_mode="none",
    )
    made = client.api.create_container(
        helper_image(client), command=["dockyard-volume-helper"], host_config=config,
        labels={HELPER_LABEL: "volume-files"}, network_disabled=True,
    )  # fmt: skip
    try:
        yield str(made["Id"])
    finally:
        with contextlib.suppress(Exception):
            client.api.remove_container(made["Id"], force=True)  # never v=True


def _in_volume(path: str) -> str:
    clean = posixpath.normpath("/" + path.strip("/")).lstrip("/")
    if clean.startswith(".."):
        raise EngineError(ErrorKind.BAD_REQUEST, "That path leaves the volume", path)
    return posixpath.join(MOUNT, clean) if clean else MOUNT


# --- reading ------------------------------------------------------------------------------


def read_tree(client: Any, name: str, cancel: Callable[[], bool] = lambda: False) -> VolumeTree:
    """Every file of a volume with its size, mode and time, read in one pass of its archive
    (the contents go by unread)."""
    with helper(client, {MOUNT: (name, True)}) as container:

        def check(_n: int) -> None:
            if cancel():
                raise EngineError(ErrorKind.CANCELLED, f"Reading volume {name}: cancelled")

        with sdk.archive(client, container, MOUNT + "/.") as (stream, _stat):
            return tree_of(member for member, _ in _members(stream, check))


def checksums(stream: Iterator[bytes], on_chunk: Callable[[int], None]) -> dict[str, str]:
    """Per entry of a tar: "folder", "link -> target" or the SHA-256 of a file's content."""
    found: dict[str, str] = {}
    for member, digest in _members(stream, on_chunk, hash_files=True):
        path = _relative(member.name)
        found[path] = (digest if member.isfile() else "folder" if member.isdir()
                       else f"link -> {member.linkname}")  # fmt: skip
    found.pop("", None)
    return found


# --- operations -----------------------------------------------------------------------------


def _cancellable(op: Operation[Any]) -> Operation[Any]:
    op.cancel_requested = threading.Event()
    return op


def _drain_to(
    path: Path, stream: Iterator[bytes], op: Operation[Any], total: int, verb: str
) -> int:
    """Write the blocks to `path` (through a .part file, removed when it fails or is
    cancelled); returns the bytes written."""
    part = path.with_name(path.name + ".part")
    written = _Counted(stream, op, total, verb)
    try:
        with open(part, "wb") as out:
            out.writelines(written)
        part.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    return written.done


def _pausing(client: Any, containers: Iterable[str]) -> contextlib.AbstractContextManager[None]:
    """Stop the given running containers for the duration, and start them again after."""

    @contextmanager
    def paused() -> Iterator[None]:
        stopped = list(containers)
        for container in stopped:
            client.api.stop(container)
        try:
            yield
        finally:
            for container in stopped:
                with contextlib.suppress(Exception):
                    client.api.start(container)

    return paused()


def _stop_args(stop: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    names = tuple(stop)
    return (("docker", "stop", *names),) if names else ()


def _start_args(stop: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    names = tuple(stop)
    return (("docker", "start", *names),) if names else ()


def export_volume(name: str, path: str, expected_size: int = 0,
                  stop: Iterable[str] = ()) -> Operation[int]:  # fmt: skip
    """Write a volume's files to a .tar (names relative to its root); the result is the
    archive's size. A cancelled export leaves no file behind."""
    stop = tuple(stop)
    folder, base = os.path.split(os.path.abspath(path))
    argv = ("docker", "run", "--rm", "-v", f"{name}:/v:ro", "-v", f"{folder}:/backup",
            "busybox", "tar", "-cf", f"/backup/{base}", "-C", "/v", ".")  # fmt: skip

    def work(client: Any) -> int:
        with (
            _pausing(client, stop),
            helper(client, {MOUNT: (name, True)}) as container,
            sdk.archive(client, container, MOUNT + "/.") as (stream, _stat),
        ):
            return _drain_to(Path(path), stream, op, expected_size, "written")

    op: Operation[int] = _cancellable(Operation(
        f"Export volume {short_name(name)}", argv, work, target=name, verb="exporting",
        script=(*_stop_args(stop), argv, *_start_args(stop)) if stop else (),
    ))  # fmt: skip
    return op


def download(name: str, inside: str, path: str, expected_size: int = 0) -> Operation[int]:
    """Save one file of a volume as a file, or a folder as a .tar; the result is the bytes
    written."""

    def work(client: Any) -> int:
        with (
            helper(client, {MOUNT: (name, True)}) as container,
            sdk.archive(client, container, _in_volume(inside)) as (stream, stat),
        ):
            if stat.get("mode", 0) & (1 << 31):  # a folder: keep the archive
                return _drain_to(Path(path), stream, op, expected_size, "written")
            reader = io.BufferedReader(
                _ChunkReader(stream, lambda _n: op.check_cancelled()), _BLOCK
            )
            with tarfile.open(fileobj=reader, mode="r|") as archive:
                for member in archive:
                    content = archive.extractfile(member)
                    if content is not None:
                        blocks = iter(partial(content.read, _BLOCK), b"")
                        return _drain_to(Path(path), blocks, op, member.size, "written")
            raise EngineError(ErrorKind.NOT_FOUND, "Nothing to download", inside)

    op: Operation[int] = _cancellable(Operation(
        f"Download {posixpath.basename(inside) or short_name(name)}",
        ("docker", "cp", f"<container using {name}>:{posixpath.join('/v', inside)}", path),
        work, target=name, verb="downloading",
    ))  # fmt: skip
    return op


def upload(name: str, sources: Iterable[str], folder: str = "") -> Operation[int]:
    """Copy local files and folders into a folder of a volume; the result is bytes sent."""
    paths = [Path(s) for s in sources]

    def work(client: Any) -> int:
        total = sum(_local_size(p) for p in paths)
        with helper(client, {MOUNT: (name, False)}) as container:
            client.api.put_archive(container, _in_volume(folder),
                                   tar_of(((p, p.name) for p in paths), op, total))  # fmt: skip
        return total

    names = ", ".join(p.name for p in paths)
    op: Operation[int] = _cancellable(Operation(
        f"Upload {names} to {short_name(name)}",
        ("docker", "cp", *(str(p) for p in paths),
         f"<container using {name}>:{posixpath.join('/v', folder)}"),
        work, target=name, verb="uploading",
    ))  # fmt: skip
    return op


def _local_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum((Path(r) / f).stat().st_size for r, _d, fs in os.walk(path) for f in fs
               if (Path(r) / f).is_file())  # fmt: skip


def archive_names(path: str) -> list[str]:
    """The entries of a local .tar, relative to the volume root it would be unpacked into."""
    with tarfile.open(path) as archive:
        return [p for p in (_relative(m.name) for m in archive) if p]


def import_volume(path: str, name: str, create: bool, driver: str = LOCAL_DRIVER,
                  stop: Iterable[str] = ()) -> Operation[int]:  # fmt: skip
    """Unpack a .tar into a volume (made first when `create`); files of the same name are
    overwritten, others kept. A cancelled or failed import into a new volume removes it."""
    stop = tuple(stop)
    folder, base = os.path.split(os.path.abspath(path))
    argv = ("docker", "run", "--rm", "-v", f"{name}:/v", "-v", f"{folder}:/backup:ro",
            "busybox", "tar", "-xf", f"/backup/{base}", "-C", "/v")  # fmt: skip

    def work(client: Any) -> int:
        total = os.path.getsize(path)
        if create:
            client.api.create_volume(name, driver=driver)
        try:
            with (
                _pausing(client, stop),
                helper(client, {MOUNT: (name, False)}) as container,
                open(path, "rb") as archive,  # closed here, even when cancelled half-way
            ):
                blocks = iter(partial(archive.read, _BLOCK), b"")
                client.api.put_archive(container, MOUNT, iter(_Counted(blocks, op, total, "read")))
                op.check_cancelled()
        except BaseException:
            if create:
                with contextlib.suppress(Exception):
                    client.api.remove_volume(name, force=True)
            raise
        return total

    script = (*_stop_args(stop),
              *((("docker", "volume", "create", name),) if create else ()),
              argv, *_start_args(stop))  # fmt: skip
    op: Operation[int] = _cancellable(Operation(
        f"Import {posixpath.basename(path)} into {short_name(name)}", argv, work, target=name,
        verb="importing", script=script if len(script) > 1 else (),
    ))  # fmt: skip
    if len(script) == 1:
        op.argv = script[0]
    return op


def clone_volume(source: str, target: str, expected_size: int = 0,
                 stop: Iterable[str] = ()) -> Operation[int]:  # fmt: skip
    """A new volume holding a copy of `source`'s files (same driver, same labels); the
    result is the bytes copied. A cancelled or failed clone leaves no new volume."""
    stop = tuple(stop)
    copy = ("docker", "run", "--rm", "-v", f"{source}:/from:ro", "-v", f"{target}:/to",
            "busybox", "cp", "-a", "/from/.", "/to/")  # fmt: skip

    def work(client: Any) -> int:
        found = client.api.inspect_volume(source)
        client.api.create_volume(target, driver=found.get("Driver") or LOCAL_DRIVER,
                                 driver_opts=found.get("Options") or {},
                                 labels=found.get("Labels") or {})  # fmt: skip
        try:
            with (
                _pausing(client, stop),
                # Two helpers: the engine locks a container while its archive is read.
                helper(client, {MOUNT: (source, True)}) as reader,
                helper(client, {MOUNT: (target, False)}) as container,
                sdk.archive(client, reader, MOUNT + "/.") as (stream, _stat),
            ):
                copied = _Counted(stream, op, expected_size, "copied")
                client.api.put_archive(container, MOUNT, iter(copied))
                op.check_cancelled()
        except BaseException:
            with contextlib.suppress(Exception):
                client.api.remove_volume(target, force=True)
            raise
        return copied.done

    script = (*_stop_args(stop), ("docker", "volume", "create", target), copy,
              *_start_args(stop))  # fmt: skip
    op: Operation[int] = _cancellable(Operation(
        f"Clone {short_name(source)} to {target}", copy, work, target=target, verb="cloning",
        script=script,
    ))  # fmt: skip
    return op


@dataclass(frozen=True)
class Verification:
    """An export checked against its volume: entries only in one of them, and files whose
    contents differ."""

    checked: int
    missing: tuple[str, ...]  # in the volume, not in the archive
    extra: tuple[str, ...]  # in the archive, not in the volume
    different: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not (self.missing or self.extra or self.different)


def verify_export(name: str, path: str) -> Operation[Verification]:
    """Compare an exported .tar with the volume now: every entry and every file's SHA-256."""

    def work(client: Any) -> Verification:
        total = os.path.getsize(path) * 2
        started, done = time.monotonic(), 0

        def counted(n: int) -> None:
            nonlocal done
            op.check_cancelled()
            done += n
            _report(op, done, total, started, "checked")

        with open(path, "rb") as archive:
            saved = checksums(iter(lambda: archive.read(_BLOCK), b""), counted)
        with (
            helper(client, {MOUNT: (name, True)}) as container,
            sdk.archive(client, container, MOUNT + "/.") as (stream, _stat),
        ):
            now = checksums(stream, counted)
        return Verification(
            checked=len(now),
            missing=tuple(sorted(set(now) - set(saved))),
            extra=tuple(sorted(set(saved) - set(now))),
            different=tuple(sorted(p for p in set(now) & set(saved) if now[p] != saved[p])),
        )

    op: Operation[Verification] = _cancellable(Operation(
        f"Verify the export of {short_name(name)}", ("tar", "-tvf", path), work, target=name,
        verb="verifying",
    ))  # fmt: skip
    return op


async def volume_tree(bridge: EngineBridge, name: str) -> VolumeTree:
    """Every file of a volume (see read_tree), read on a thread of its own; cancelling the
    awaiting task stops the read at its next block."""
    stop = threading.Event()
    try:
        return await bridge.call_long(read_tree, bridge.sdk_client, name, stop.is_set)
    except asyncio.CancelledError:
        stop.set()
        raise
