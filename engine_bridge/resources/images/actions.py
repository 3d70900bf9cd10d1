"""One Operation per image action: pull, push, tag, remove, prune, save, load; and logging
in to and out of registries.

Pull, push, save and load can take minutes: they report progress as they go (a pull or
push keeps a TransferProgress in `operation.live`), and stop when the user cancels them.
A password is never part of a command shown: logins read it from standard input.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from docker import auth

from engine_bridge import sdk
from engine_bridge.credentials import Credentials, CredentialStore, server_address
from engine_bridge.errors import EngineError, ErrorKind, explain, registry_error
from engine_bridge.operations import Operation, R
from engine_bridge.specs.image_ref import ImageRef, parse_image_ref
from engine_bridge.specs.sizes import decimal_size
from engine_bridge.streams.transfer_progress import TransferProgress

Client = sdk.Client
_BLOCK = 1024 * 1024


def _cancellable(operation: Operation[R]) -> Operation[R]:
    operation.cancel_requested = threading.Event()
    return operation


def _auth_header(client: Client, ref: ImageRef, credentials: Credentials | None) -> str:
    """X-Registry-Auth: our login if we have one, else what ~/.docker/config.json says."""
    if credentials is not None:
        header = auth.encode_header(credentials.auth_config())
    else:
        # The engine wants the header even without a login (an empty one then).
        header = auth.get_config_header(client.api, ref.registry_host) or auth.encode_header({})
    return header.decode() if isinstance(header, bytes) else str(header)


def describe(progress: TransferProgress) -> str:
    """One line for the activity drawer: layers, bytes, speed and time left."""
    finished, layers = progress.counts()
    parts = [f"{finished} of {layers} layers"] if layers else ["Starting…"]
    if progress.total:
        parts.append(f"{decimal_size(progress.transferred)} of {decimal_size(progress.total)}")
    return " · ".join([*parts, *progress.speed_and_time_left()])


def _follow_transfer(
    operation: Operation[TransferProgress],
    client: Client,
    response: Any,
    progress: TransferProgress,
    where: str,
) -> TransferProgress:
    """Read a pull's or push's progress stream to its end, or until the user cancels."""
    operation.live = progress

    def each(message: dict[str, Any]) -> None:
        progress.feed(message, time.monotonic())
        operation.report(progress.fraction, describe(progress))

    sdk.follow_messages(client, response, operation, each)
    if progress.error:
        raise registry_error(progress.error, where) or EngineError(
            ErrorKind.ENGINE, f"{operation.title} failed", progress.error
        )
    operation.report(1.0, describe(progress), force=True)
    return progress


def pull_image(
    reference: str, credentials: Credentials | None = None
) -> Operation[TransferProgress]:
    """`docker pull name[:tag]` or `name@sha256:...`; `reference` must parse."""
    ref = parse_image_ref(reference)
    name = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
    tag = ref.digest or ref.tag or "latest"
    shown = str(ref) if (ref.tag or ref.digest) else f"{ref}:latest"

    def work(client: Client) -> TransferProgress:
        headers = {"X-Registry-Auth": _auth_header(client, ref, credentials)}
        response = _registry_request(
            client, "/images/create", ref.registry_host,
            params={"fromImage": name, "tag": tag}, headers=headers,
        )  # fmt: skip
        return _follow_transfer(operation, client, response, TransferProgress(), ref.registry_host)

    operation = _cancellable(
        Operation(f"Pull {shown}", ("docker", "pull", shown), work, target=shown, verb="pulling")
    )
    return operation


def push_image(
    reference: str, credentials: Credentials | None = None
) -> Operation[TransferProgress]:
    """`docker push host/name:tag`."""
    ref = parse_image_ref(reference)
    name = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
    tag = ref.tag or "latest"
    shown = f"{name}:{tag}"

    def work(client: Client) -> TransferProgress:
        response = _registry_request(
            client, "/images/{0}/push", ref.registry_host, name, params={"tag": tag},
            headers={"X-Registry-Auth": _auth_header(client, ref, credentials)},
        )  # fmt: skip
        return _follow_transfer(
            operation, client, response, TransferProgress(pushing=True), ref.registry_host
        )

    operation = _cancellable(
        Operation(f"Push {shown}", ("docker", "push", shown), work, target=shown, verb="pushing")
    )
    return operation


def _registry_request(client: Client, path: str, registry: str, *args: str, **kwargs: Any) -> Any:
    """POST a request that the engine passes on to a registry; a refusal in its words."""
    try:
        return sdk.request(client, "post", path, *args, **kwargs)
    except Exception as exc:
        error = explain(exc)
        raise registry_error(error.message, registry) or error from exc


def tag_image(source: str, target: str) -> Operation[None]:
    """`docker tag SOURCE TARGET`; the target must parse (host/name:tag)."""
    ref = parse_image_ref(target)
    name = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
    tag = ref.tag or "latest"
    return Operation(
        f"Tag {source} as {name}:{tag}",
        ("docker", "tag", source, f"{name}:{tag}"),
        lambda cl: cl.api.tag(source, name, tag=tag),
        target=source,
        verb="tagging",
    )


def remove_image(reference: str, force: bool = False) -> Operation[None]:
    """`docker rmi [--force] REF`: a tag untags; an ID removes the image."""
    return Operation(
        f"Remove image {reference}",
        ("docker", "rmi", *(("--force",) if force else ()), reference),
        lambda cl: cl.api.remove_image(reference, force=force),
        target=reference,
        verb="removing",
    )


def prune_images(unused: bool, label: str | None = None) -> Operation[int]:
    """`docker image prune`: dangling images, or with `unused` every image no container
    uses; only those with `label` when given. Returns the bytes the engine reclaimed."""
    filters: dict[str, Any] = {"dangling": ["false" if unused else "true"]}
    if label:
        filters["label"] = [label]

    def work(client: Client) -> int:
        result = client.api.prune_images(filters=filters)
        return int((result or {}).get("SpaceReclaimed") or 0)

    flags = (*(("--all",) if unused else ()), *(("--filter", f"label={label}") if label else ()))
    argv = ("docker", "image", "prune", *flags, "--force")
    title = "Remove every unused image" if unused else "Remove dangling images"
    return Operation(title, argv, work, verb="pruning")


def save_image(references: list[str], path: str, expected_size: int = 0) -> Operation[int]:
    """`docker save -o PATH REF...`, streamed to disk; a cancelled save leaves no file."""

    def work(client: Client) -> int:
        written = 0
        response = sdk.request(
            client, "get", "/images/get", params={"names": references}, timeout=60
        )
        operation.interrupt = response.close
        try:
            with open(path, "wb") as out:
                for block in response.iter_content(_BLOCK):
                    operation.check_cancelled()
                    out.write(block)
                    written += len(block)
                    fraction = min(written / expected_size, 0.99) if expected_size else None
                    operation.report(fraction, f"{decimal_size(written)} written")
            operation.check_cancelled()
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        finally:
            response.close()
        operation.report(1.0, f"{decimal_size(written)} written", force=True)
        return written

    names = " ".join(references)
    operation = _cancellable(
        Operation(f"Save {names}", ("docker", "save", "-o", path, *references), work)
    )
    return operation


def load_image(path: str) -> Operation[list[str]]:
    """`docker load -i PATH`; returns what the engine said it loaded."""

    def chunks(size: int) -> Iterator[bytes]:
        done = 0
        with open(path, "rb") as source:
            while block := source.read(_BLOCK):
                operation.check_cancelled()
                done += len(block)
                operation.report(done / size if size else None, f"{decimal_size(done)} read")
                yield block

    def work(client: Client) -> list[str]:
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise EngineError(
                ErrorKind.BAD_REQUEST, "Cannot read the file", str(exc), "Choose another file."
            ) from exc
        loaded: list[str] = []
        for message in client.api.load_image(chunks(size)):
            if message.get("error"):
                raise EngineError(
                    ErrorKind.BAD_REQUEST,
                    "The engine could not load that file",
                    str(message["error"]),
                    "Choose a tar file made by 'docker save' (or Save in Dockyard).",
                )
            stream = str(message.get("stream") or "").strip()
            if stream:
                loaded.append(stream)
        operation.report(1.0, "; ".join(loaded), force=True)
        return loaded

    operation = _cancellable(Operation(f"Load {path}", ("docker", "load", "-i", path), work))
    return operation


def log_in(credentials: Credentials, store: CredentialStore) -> Operation[str]:
    """Check a login with the registry (through the engine), then keep it in the keyring.

    The command shown reads the password from standard input: it is never on a command
    line, in the activity list or in a log.
    """
    host = credentials.registry

    def work(client: Client) -> str:
        store.backend()  # refuse before sending anything when the keyring is not secure
        try:
            client.api.login(
                credentials.username,
                password=credentials.password,
                registry=server_address(host),
                reauth=True,
            )
        except Exception as exc:
            error = explain(exc)
            raise registry_error(error.message, host) or error from exc
        store.save(credentials)
        return host

    argv = ("docker", "login", "--username", credentials.username, "--password-stdin", host)
    return Operation(f"Log in to {host}", argv, work, target=host, verb="logging in")


def log_out(registry: str, store: CredentialStore) -> Operation[bool]:
    def work(client: Client) -> bool:
        removed = store.remove(registry)
        # The SDK also remembers the login for this client; forget it there too.
        auths = getattr(getattr(client.api, "_auth_configs", None), "auths", None)
        if isinstance(auths, dict):
            auths.pop(server_address(registry), None)
        return removed

    return Operation(
        f"Log out of {registry}", ("docker", "logout", registry), work, target=registry
    )
