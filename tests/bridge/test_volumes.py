"""Volumes against the real engine: create, inspect, remove (refused while in use), prune
exactly as previewed, and a volume's files: browse, upload, download, export, import, clone
and verify, with round trips compared by checksum, and cancelled work leaving nothing."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation, OperationState
from engine_bridge.resources.disk_usage import disk_usage
from engine_bridge.resources.volumes import (
    HELPER_LABEL,
    archive_names,
    clone_volume,
    create_volume,
    download,
    export_volume,
    import_volume,
    inspect_volume,
    list_volumes,
    plan_prune,
    prune_takes_named,
    prune_volumes,
    read_tree,
    remove_volume,
    upload,
    verify_export,
    volumes_disk_usage,
)
from engine_bridge.resources.volumes import files as volume_files
from tests.engine_support import TEST_LABEL, EngineUnderTest

LABELS = {TEST_LABEL: "1"}


async def _perform(bridge: EngineBridge, operation: Operation[Any]) -> Any:
    return await bridge.perform(operation)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _fill(root: Path) -> None:
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "top.txt").write_text("hello volume\n")
    (root / "docs" / "a.bin").write_bytes(os.urandom(300_000))
    (root / "docs" / "deep" / "b.txt").write_text("b" * 5000)
    os.symlink("top.txt", root / "link")


def _helpers(client: Any) -> list[Any]:
    return list(client.api.containers(all=True, filters={"label": HELPER_LABEL}))


def test_create_inspect_and_remove_refused_while_in_use(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, name: str, arun: Any
) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            made = await _perform(bridge, create_volume(
                name, options={"type": "tmpfs", "device": "tmpfs", "o": "size=5m"}, labels=LABELS,
            ))  # fmt: skip
            assert made.result == name
            assert made.command == (
                f"docker volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=5m "
                f"--label {TEST_LABEL}=1 {name}"
            )
            found = {v.name: v for v in await list_volumes(bridge)}[name]
            assert (found.driver, found.options["type"], found.anonymous) == (
                "local",
                "tmpfs",
                False,
            )
            assert (await inspect_volume(bridge, name))["Labels"] == LABELS

            user = docker_client.api.create_container(
                busybox_image, "true", name=f"{name}-user", labels=LABELS,
                host_config=docker_client.api.create_host_config(binds=[f"{name}:/data"]),
            )  # fmt: skip
            with pytest.raises(EngineError) as refused:
                await _perform(bridge, remove_volume(name))
            assert refused.value.kind is ErrorKind.CONFLICT
            assert user["Id"][:12] in refused.value.message
            docker_client.api.remove_container(user["Id"])
            done = await _perform(bridge, remove_volume(name))
            assert done.command == f"docker volume rm {name}"
            assert name not in {v.name for v in await list_volumes(bridge)}
        finally:
            await bridge.close()

    arun(scenario())


def test_prune_preview_is_what_the_engine_removes(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, name: str, arun: Any
) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        facts = await bridge.connect()
        api = docker_client.api
        try:
            for suffix in ("unused-a", "unused-b", "kept"):
                api.create_volume(f"{name}-{suffix}", labels=LABELS)
            # An anonymous volume, as `docker run -v /data` makes one, then let go of.
            anonymous_mount = api.create_host_config(binds=["/data"])
            gone = api.create_container(busybox_image, "true", labels=LABELS,
                                        host_config=anonymous_mount)  # fmt: skip
            anonymous = next(m["Name"] for m in api.inspect_container(gone["Id"])["Mounts"])
            api.remove_container(gone["Id"])
            user = api.create_container(
                busybox_image, "true", labels=LABELS,
                host_config=api.create_host_config(binds=[f"{name}-kept:/k"]),
            )  # fmt: skip

            volumes = await list_volumes(bridge)
            in_use = {m.name for c in await _containers(bridge) for m in c.mounts}
            plan = plan_prune(volumes, in_use, facts.api_version, label=f"{TEST_LABEL}=1")
            # Anonymous volumes carry no label of their container, so a prune filtered by the
            # tests' label leaves this one alone (it is removed below).
            assert anonymous not in plan.volumes
            expected: set[str] = set()
            if prune_takes_named(facts.api_version):
                # This engine's prune takes unused named volumes too: the preview says so.
                expected |= {f"{name}-unused-a", f"{name}-unused-b"}
            assert set(plan.volumes) >= expected
            assert f"{name}-kept" not in plan.volumes
            ran = await _perform(bridge, prune_volumes(plan))
            assert sorted(ran.result) == sorted(plan.volumes)
            every = () if prune_takes_named(facts.api_version) else ("--all",)
            assert ran.argv == (
                "docker", "volume", "prune", "--filter", f"label={TEST_LABEL}=1", *every, "--force"
            )  # fmt: skip
            left = {v.name for v in await list_volumes(bridge)}
            assert f"{name}-kept" in left
            assert not set(plan.volumes) & left
            api.remove_container(user["Id"])
        finally:
            api.remove_volume(anonymous)
            await bridge.close()

    arun(scenario())


async def _containers(bridge: EngineBridge) -> list[Any]:
    from engine_bridge.resources.containers import list_containers

    return await list_containers(bridge)


def test_prune_refuses_when_more_would_go_than_previewed(
    test_engine: EngineUnderTest, docker_client: Any, name: str, arun: Any
) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        facts = await bridge.connect()
        try:
            label = f"{TEST_LABEL}={name}"
            plan = plan_prune(await list_volumes(bridge), set(), facts.api_version,
                              named_too=True, label=label)  # fmt: skip
            assert plan.volumes == ()
            docker_client.api.create_volume(f"{name}-late", labels={TEST_LABEL: name})
            with pytest.raises(EngineError, match="changed since the preview"):
                await _perform(bridge, prune_volumes(plan))
            assert f"{name}-late" in {v.name for v in await list_volumes(bridge)}
        finally:
            await bridge.close()

    arun(scenario())


def test_files_round_trip_and_verified_export(
    test_engine: EngineUnderTest, docker_client: Any, name: str, tmp_path: Path, arun: Any
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    _fill(source)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            docker_client.api.create_volume(name, labels=LABELS)
            await _perform(bridge, upload(name, [str(p) for p in sorted(source.iterdir())]))
            tree = await bridge.call_long(read_tree, bridge.sdk_client, name)
            assert tree.entries["docs/a.bin"].size == 300_000
            assert tree.entries["link"].kind == "link"
            assert tree.total("docs") == 305_000
            assert [e.name for e in tree.children("")] == ["docs", "link", "top.txt"]
            assert tree.entries["top.txt"].modified is not None

            # Download one file, and a folder as a tar.
            one = tmp_path / "a.bin"
            await _perform(bridge, download(name, "docs/a.bin", str(one)))
            assert one.read_bytes() == (source / "docs" / "a.bin").read_bytes()
            folder = tmp_path / "docs.tar"
            await _perform(bridge, download(name, "docs", str(folder)))
            with tarfile.open(folder) as saved:
                assert "docs/deep/b.txt" in saved.getnames()

            # Export, verify, import into a new volume, clone: the same files everywhere.
            archive = tmp_path / "backup.tar"
            exported = await _perform(bridge, export_volume(name, str(archive)))
            assert exported.result == archive.stat().st_size
            assert {"top.txt", "docs/a.bin", "docs/deep/b.txt", "link"} <= set(
                archive_names(str(archive))
            )
            check = await _perform(bridge, verify_export(name, str(archive)))
            assert check.result.verified
            assert check.result.checked >= 6

            await _perform(bridge, import_volume(str(archive), f"{name}-copy", create=True))
            await _perform(bridge, clone_volume(name, f"{name}-clone"))
            for other in (f"{name}-copy", f"{name}-clone"):
                again = await _perform(bridge, verify_export(other, str(archive)))
                assert again.result.verified, other
            assert (await inspect_volume(bridge, f"{name}-clone"))["Labels"] == LABELS

            # A changed file is caught.
            (tmp_path / "new").mkdir()
            (tmp_path / "new" / "top.txt").write_text("changed\n")
            await _perform(bridge, upload(name, [str(tmp_path / "new" / "top.txt")]))
            changed = await _perform(bridge, verify_export(name, str(archive)))
            assert changed.result.different == ("top.txt",)

            out = tmp_path / "out"
            out.mkdir()
            with tarfile.open(archive) as saved:
                saved.extractall(out, filter="tar")
            assert _digests(out) == _digests(source)
            assert _helpers(docker_client) == []
        finally:
            for volume_name in (f"{name}-copy", f"{name}-clone"):
                with contextlib.suppress(Exception):
                    docker_client.api.remove_volume(volume_name)
            await bridge.close()

    arun(scenario())


def test_cancelled_export_and_import_leave_nothing(
    test_engine: EngineUnderTest, docker_client: Any, name: str, tmp_path: Path, arun: Any
) -> None:
    big = tmp_path / "big"
    big.mkdir()
    for i in range(4):
        (big / f"part{i}.bin").write_bytes(os.urandom(50_000_000))

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            docker_client.api.create_volume(name, labels=LABELS)
            await _perform(bridge, upload(name, [str(big)]))
            archive = tmp_path / "big.tar"
            export = export_volume(name, str(archive), expected_size=200_000_000)
            _cancel_half_way(export)
            with pytest.raises(EngineError) as stopped:
                await _perform(bridge, export)
            assert stopped.value.kind is ErrorKind.CANCELLED
            assert export.state is OperationState.CANCELLED
            assert sorted(os.listdir(tmp_path)) == ["big"]
            assert _helpers(docker_client) == []

            full = tmp_path / "full.tar"
            await _perform(bridge, export_volume(name, str(full)))
            imported = import_volume(str(full), f"{name}-new", create=True)
            _cancel_half_way(imported)
            with pytest.raises(EngineError):
                await _perform(bridge, imported)
            assert f"{name}-new" not in {v.name for v in await list_volumes(bridge)}
            assert _helpers(docker_client) == []
        finally:
            await bridge.close()

    arun(scenario())


def _cancel_half_way(operation: Operation[Any]) -> None:
    """Cancel as the user would, once the progress bar shows half."""
    original = operation.report

    def report(fraction: float | None, detail: str, force: bool = False) -> None:
        original(fraction, detail, force)
        if (fraction or 0) >= 0.5:
            operation.cancel()

    operation.report = report  # type: ignore[method-assign]


def test_sizes_come_from_the_engines_disk_usage(
    test_engine: EngineUnderTest, docker_client: Any, name: str, tmp_path: Path, arun: Any
) -> None:
    (tmp_path / "f.bin").write_bytes(os.urandom(123_456))

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            docker_client.api.create_volume(name, labels=LABELS)
            await _perform(bridge, upload(name, [str(tmp_path / "f.bin")]))
            usage = await volumes_disk_usage(bridge)
            assert usage[name].size >= 123_456
            assert usage[name].containers == 0
        finally:
            await bridge.close()

    arun(scenario())


def test_an_engine_with_no_image_gets_an_empty_one(docker_client: Any, monkeypatch: Any) -> None:
    """Where no local image exists, the helper's image is imported from an empty tar."""
    api = docker_client.api
    monkeypatch.setattr(api, "images", lambda *a, **k: [])
    try:
        image = volume_files.helper_image(docker_client)
        assert image == volume_files.EMPTY_IMAGE
        assert api.inspect_image(image)["Size"] == 0
    finally:
        monkeypatch.undo()
        api.remove_image(volume_files.EMPTY_IMAGE)


def test_sizes_wait_for_a_disk_usage_another_client_started(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, name: str, arun: Any
) -> None:
    """Engines before 23.0 refuse a second disk usage while one runs, whoever asked for it.
    The app's readers share one read, and a read refused that way waits and asks again."""
    docker_client.api.create_volume(name, labels=LABELS)
    walker = docker_client.containers.run(
        busybox_image, ["sh", "-c", "cd /v && seq 1 60000 | xargs touch"],
        volumes={name: {"bind": "/v"}}, labels=LABELS, detach=True,
    )  # fmt: skip
    assert walker.wait(timeout=120)["StatusCode"] == 0
    walker.remove()

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        api = bridge.sdk_client.api
        real_df, outcomes = api.df, []

        def counted_df() -> Any:  # the engine's own answer, with a note of each one
            try:
                found = real_df()
            except Exception as exc:
                outcomes.append(str(exc))
                raise
            outcomes.append("read")
            return found

        api.df = counted_df
        try:
            # Readers that arrive while a read is under way wait for it, then share the next
            # one: never two requests at once, and no reader gets figures from before it asked.
            first, second, third = await asyncio.gather(
                disk_usage(bridge), disk_usage(bridge), disk_usage(bridge)
            )
            assert second is third
            assert first is not second
            assert outcomes == ["read", "read"]
            # Another client's disk usage under way: ours is refused, waits, and gets it.
            assert bridge.facts is not None
            refuses = int(bridge.facts.engine_version.split(".")[0]) < 23
            for _attempt in range(20):
                outcomes.clear()
                other = asyncio.get_running_loop().run_in_executor(None, docker_client.api.df)
                await asyncio.sleep(0.01)
                usage = await volumes_disk_usage(bridge)
                await other
                assert usage[name].size == 0
                assert outcomes[-1] == "read"
                if any("already running" in o for o in outcomes) or not refuses:
                    break
            assert not refuses or len(outcomes) > 1, "the other client's read never overlapped"
        finally:
            api.df = real_df
            await bridge.close()

    arun(scenario())
