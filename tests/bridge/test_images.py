"""Images against the real engine and a real registry (docker-registry on 127.0.0.1 with
htpasswd auth), with logins kept in a real keyring (gnome-keyring's Secret Service)."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import keyring.backends.fail
import platformdirs
import pytest

from engine_bridge import inspect_image, list_images, registry_manifest
from engine_bridge.bridge import EngineBridge
from engine_bridge.credentials import Credentials, CredentialStore
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation, OperationState
from engine_bridge.resources.images.actions import (
    load_image,
    log_in,
    prune_images,
    pull_image,
    push_image,
    remove_image,
    save_image,
    tag_image,
)
from engine_bridge.streams.transfer_progress import TransferProgress
from tests.engine_support import TEST_LABEL, EngineUnderTest, build_files_image
from tests.registry_support import LocalRegistry, SecretService


@pytest.fixture
def unique_image(docker_client: Any, registry: LocalRegistry, name: str) -> Iterator[str]:
    """An image of two layers no other image has, tagged for the test registry."""
    reference = f"{registry.host}/dockyard-test/{name}:1.0"
    build_files_image(
        docker_client, reference,
        {"first.bin": os.urandom(600_000), "second.bin": os.urandom(300_000)},
    )  # fmt: skip
    yield reference
    for image in docker_client.api.images(filters={"reference": f"*/dockyard-test/{name}"}):
        docker_client.api.remove_image(image["Id"], force=True)


T = TypeVar("T")


async def _perform(bridge: EngineBridge, operation: Operation[T]) -> Operation[T]:
    return await bridge.perform(operation)


def _files_under(folder: Path) -> Iterator[Path]:
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 20 * 2**20:
                path.read_bytes()[:0]  # some files of a running engine cannot be read
                yield path
        except OSError:
            continue


def test_login_push_remove_and_pull_back_with_progress_for_every_layer(
    test_engine: EngineUnderTest, registry: LocalRegistry, keyring_session: SecretService,
    unique_image: str, arun: Any, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    store = CredentialStore()
    assert store.available()[0], store.available()[1]
    login = Credentials(registry.host, registry.username, registry.password)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        reports: list[tuple[float | None, str]] = []
        bridge.operations.subscribe(lambda op: reports.append((op.progress, op.detail)))
        try:
            # A wrong password is refused in plain words, and nothing is kept.
            wrong = Credentials(registry.host, registry.username, "not-the-password")
            with pytest.raises(EngineError) as refused:
                await _perform(bridge, log_in(wrong, store))
            assert refused.value.kind is ErrorKind.UNAUTHORIZED
            assert "wrong user name or password" in refused.value.title
            assert store.get(registry.host) is None

            done = await _perform(bridge, log_in(login, store))
            assert "--password-stdin" in done.command
            assert registry.password not in done.command
            kept = store.get(registry.host)
            assert kept == login

            pushed = (await _perform(bridge, push_image(unique_image, kept))).result
            assert isinstance(pushed, TransferProgress)
            assert pushed.digest.startswith("sha256:")
            assert len(pushed.layers) == 2
            assert all(layer.phase == "done" for layer in pushed.layers.values())

            await _perform(bridge, remove_image(unique_image))
            with pytest.raises(EngineError):
                await inspect_image(bridge, unique_image)

            reports.clear()
            pulled = (await _perform(bridge, pull_image(unique_image, kept))).result
            assert isinstance(pulled, TransferProgress)
            assert len(pulled.layers) == 2, "both layers came from the registry"
            assert all(layer.phase == "done" for layer in pulled.layers.values())
            assert all(layer.transferred > 0 for layer in pulled.layers.values())
            fractions = [f for f, _ in reports if f is not None]
            assert fractions == sorted(fractions), "progress never goes back"
            assert fractions[-1] == 1.0
            assert any("of 2 layers" in detail for _, detail in reports)

            # The same digest everywhere: push, pull, the local repo digest, the registry.
            assert pulled.digest == pushed.digest
            inspected = await inspect_image(bridge, unique_image)
            repo, _tag = unique_image.rsplit(":", 1)
            assert f"{repo}@{pushed.digest}" in inspected["RepoDigests"]
            manifest = await registry_manifest(bridge, unique_image, kept)
            assert manifest["Descriptor"]["digest"] == pushed.digest
            platform = manifest["Platforms"][0]
            assert platform["os"] == "linux"
            assert platform["architecture"]

            # By digest, as a reproducible deployment would pull it.
            by_digest = f"{repo}@{pushed.digest}"
            again = await _perform(bridge, pull_image(by_digest, kept))
            assert again.state is OperationState.SUCCEEDED
        finally:
            await bridge.close()

    arun(scenario())
    # The password is in the keyring only: not in any file of ours, not in a log line.
    secret = registry.password.encode()
    folders = [
        Path(platformdirs.user_config_dir("dockyard")),
        Path(platformdirs.user_data_dir("dockyard")),
        keyring_session.data_home,  # the keyring's own files are encrypted
        Path.home() / ".docker",
    ]
    for folder in folders:
        for path in _files_under(folder):
            assert secret not in path.read_bytes(), f"the password is in {path}"
    assert all(registry.password not in r.getMessage() for r in caplog.records)


def test_pull_without_login_and_from_nowhere_say_what_is_wrong(
    test_engine: EngineUnderTest, registry: LocalRegistry, arun: Any
) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            with pytest.raises(EngineError) as no_login:
                await _perform(bridge, pull_image(f"{registry.host}/dockyard-test/nothing:1"))
            assert no_login.value.kind is ErrorKind.UNAUTHORIZED
            assert "Log in to" in no_login.value.hint
            login = Credentials(registry.host, registry.username, registry.password)
            with pytest.raises(EngineError) as missing:
                await _perform(
                    bridge, pull_image(f"{registry.host}/dockyard-test/nothing:1", login)
                )
            assert missing.value.kind is ErrorKind.IMAGE_NOT_FOUND
            with pytest.raises(EngineError) as nowhere:
                await _perform(bridge, pull_image("127.0.0.1:9/dockyard-test/x:1"))
            assert nowhere.value.kind is ErrorKind.REGISTRY_UNREACHABLE
            assert "Cannot reach 127.0.0.1:9" in nowhere.value.title
        finally:
            await bridge.close()

    arun(scenario())


def test_no_secure_keyring_means_no_login_and_no_file(
    test_engine: EngineUnderTest, registry: LocalRegistry, arun: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    store = CredentialStore(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    usable, why = store.available()
    assert not usable
    assert "No secure keyring" in why
    login = Credentials(registry.host, registry.username, registry.password)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            with pytest.raises(EngineError) as refused:
                await _perform(bridge, log_in(login, store))
            assert refused.value.kind is ErrorKind.CONFIG
            assert "docker login" in refused.value.hint
        finally:
            await bridge.close()

    arun(scenario())
    assert store.registries() == {}


def test_cancel_a_pull_half_way(
    test_engine: EngineUnderTest, registry: LocalRegistry, docker_client: Any, name: str,
    arun: Any,
) -> None:  # fmt: skip
    reference = f"{registry.host}/dockyard-test/{name}-big:1"
    build_files_image(docker_client, reference, {"big.bin": os.urandom(96 * 2**20)})
    login = Credentials(registry.host, registry.username, registry.password)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            await _perform(bridge, push_image(reference, login))
            await _perform(bridge, remove_image(reference))
            pull = pull_image(reference, login)

            def cancel_when_started(op: Operation[Any]) -> None:
                if op is pull and op.progress and 0 < op.progress < 0.5:
                    op.cancel()

            bridge.operations.subscribe(cancel_when_started)
            with pytest.raises(EngineError) as cancelled:
                await _perform(bridge, pull)
            assert cancelled.value.kind is ErrorKind.CANCELLED
            assert pull.state is OperationState.CANCELLED
        finally:
            await bridge.close()

    try:
        arun(scenario())
    finally:
        for image in docker_client.api.images(filters={"reference": reference}):
            docker_client.api.remove_image(image["Id"], force=True)


def test_tag_save_load_and_prune(
    test_engine: EngineUnderTest, unique_image: str, tmp_path: Path, docker_client: Any,
    arun: Any,
) -> None:  # fmt: skip
    other_tag = unique_image.replace(":1.0", ":also")
    archive = tmp_path / "image.tar"

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            await _perform(bridge, tag_image(unique_image, other_tag))
            image = await inspect_image(bridge, unique_image)
            assert other_tag in image["RepoTags"]
            # With two tags, removing one only untags: the image stays.
            await _perform(bridge, remove_image(other_tag))
            assert other_tag not in (await inspect_image(bridge, unique_image))["RepoTags"]

            saved = await _perform(bridge, save_image([unique_image], str(archive)))
            assert saved.result == archive.stat().st_size > 900_000
            await _perform(bridge, remove_image(unique_image))
            loaded = await _perform(bridge, load_image(str(archive)))
            assert any(unique_image in line for line in loaded.result or [])
            assert (await inspect_image(bridge, unique_image))["Id"] == image["Id"]

            # Building the tag anew leaves the old image untagged (dangling); a prune of
            # dangling images (only those labelled by tests) takes it away.
            build_files_image(docker_client, unique_image, {"other.bin": os.urandom(1000)})
            dangling = [i for i in await list_images(bridge) if i.id == image["Id"]]
            assert dangling
            assert dangling[0].dangling
            pruned = await _perform(bridge, prune_images(unused=False, label=TEST_LABEL))
            assert isinstance(pruned.result, int)
            assert pruned.result >= 900_000, "the two files of the old image"
            assert pruned.command == f"docker image prune --filter label={TEST_LABEL} --force"
            assert not [i for i in await list_images(bridge) if i.id == image["Id"]]
        finally:
            await bridge.close()

    arun(scenario())


def test_a_docker_login_in_config_json_is_used_when_dockyard_has_none(
    test_engine: EngineUnderTest, registry: LocalRegistry, unique_image: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, arun: Any,
) -> None:  # fmt: skip
    # What `docker login` leaves behind without a credential helper (the test's own folder).
    token = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {registry.host: {"auth": token}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            pushed = await _perform(bridge, push_image(unique_image))
            assert pushed.state is OperationState.SUCCEEDED
            await _perform(bridge, remove_image(unique_image))
            pulled = await _perform(bridge, pull_image(unique_image))
            assert pulled.state is OperationState.SUCCEEDED
        finally:
            await bridge.close()

    arun(scenario())


def test_the_platforms_of_a_manifest_list_come_from_the_registry(
    test_engine: EngineUnderTest, registry: LocalRegistry, docker_client: Any, name: str,
    tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    # Two single-platform images joined in a manifest list with the docker CLI (its login
    # and its list kept in the test's own folder), the second one marked linux/s390x.
    repository = f"{registry.host}/dockyard-test/{name}-multi"
    token = base64.b64encode(f"{registry.username}:{registry.password}".encode()).decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {registry.host: {"auth": token}}}))
    env = dict(os.environ, DOCKER_CONFIG=str(tmp_path), DOCKER_HOST=test_engine.endpoint.host)
    login = Credentials(registry.host, registry.username, registry.password)
    for part in ("here", "other"):
        build_files_image(docker_client, f"{repository}:{part}", {part: os.urandom(100)})
    listed = f"{repository}:both"

    def cli(*args: str) -> None:
        subprocess.run(["docker", "manifest", *args], env=env, check=True, capture_output=True)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            for part in ("here", "other"):
                await _perform(bridge, push_image(f"{repository}:{part}", login))
            cli("create", "--insecure", listed, f"{repository}:here", f"{repository}:other")
            cli("annotate", "--os", "linux", "--arch", "s390x", listed, f"{repository}:other")
            cli("push", "--insecure", listed)
            manifest = await registry_manifest(bridge, listed, login)
            assert "manifest.list" in manifest["Descriptor"]["mediaType"]
            platforms = {(p["os"], p["architecture"]) for p in manifest["Platforms"]}
            assert ("linux", "s390x") in platforms
            assert len(platforms) == 2
            # Pulling the list gives this machine's image, recorded under the list's digest.
            pulled = (await _perform(bridge, pull_image(listed, login))).result
            assert isinstance(pulled, TransferProgress)
            assert pulled.digest == manifest["Descriptor"]["digest"]
        finally:
            await bridge.close()

    try:
        arun(scenario())
    finally:
        for image in docker_client.api.images(filters={"reference": f"{repository}*"}):
            docker_client.api.remove_image(image["Id"], force=True)
