"""Recreate, Duplicate and "Copy docker run" keep everything a container was made with:
containers made by the docker CLI with a long list of options, and a Compose service, are
recreated, duplicated and made again from the printed commands, and compared with inspect
field by field."""

from __future__ import annotations

import contextlib
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.errors import EngineError
from engine_bridge.resources.containers import (
    ContainerRef,
    blueprint_of_container,
    duplicate_container,
    recreate_container,
)
from engine_bridge.specs.container_config import create_request, docker_run_text
from engine_bridge.specs.run_form import RunForm, build_run_spec
from engine_bridge.specs.run_spec import RunSpec
from tests.engine_support import TEST_LABEL, EngineUnderTest
from tests.inspect_compare import ANONYMOUS, comparable, differences


def _options(name: str, folder: Path) -> list[str]:
    """Nearly every docker run option the issue names, on one container."""
    return [
        "--label", f"{TEST_LABEL}=1", "--hostname", "app-host", "--domainname", "example.test",
        "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--privileged", "--dns", "127.0.0.53",
        "--dns-search", "example.test", "--dns-option", "ndots:2",
        "--tmpfs", "/run/cache:size=1m", "--read-only", "--ulimit", "nofile=1024:2048",
        "--health-cmd", "true", "--health-interval", "30s", "--health-retries", "2",
        "--add-host", "db.example.test:127.0.0.2",
        "--mount", f"type=volume,source={name}-data,target=/data,volume-nocopy",
        "--mount", f"type=bind,source={folder},target=/site,readonly",
        "--mount", "type=tmpfs,target=/scratch,tmpfs-size=2m",
        "-v", f"{folder}:/cached:ro,z", "-v", "/anonymous",
        "--stop-signal", "SIGINT", "--stop-timeout", "7", "--init",
        "--log-opt", "max-size=1m", "--shm-size", "32m", "--security-opt", "no-new-privileges",
        "--cpu-shares", "512", "--pids-limit", "64", "-m", "64m", "--memory-swap", "128m",
        "--expose", "9000", "--group-add", "123",
        "--sysctl", "net.ipv4.ip_local_port_range=32768 60000",
        "-e", "MODE=test", "-e", "EMPTY=", "-p", "127.0.0.1::8080", "--restart", "on-failure:3",
        "-w", "/site", "-u", "1000:1000", "--network", f"{name}-front",
        "--network-alias", "web", "--network-alias", "www",
    ]  # fmt: skip


def _make(cli: Any, busybox_image: str, name: str, folder: Path) -> str:
    cli("network", "create", "--label", f"{TEST_LABEL}=1", f"{name}-front")
    cli("network", "create", "--label", f"{TEST_LABEL}=1", f"{name}-back")
    cli("run", "-d", "--name", name, *_options(name, folder), busybox_image, "sleep", "600")
    cli("network", "connect", "--alias", "api", f"{name}-back", name)
    return str(cli("inspect", "--format", "{{.Id}}", name).stdout.strip())


def _inspect(docker_client: Any, name: str) -> dict[str, Any]:
    return dict(docker_client.api.inspect_container(name))


def _cleanup(docker_client: Any, names: list[str], networks: list[str]) -> None:
    """Remove the containers, their anonymous volumes and the networks. A recreated
    container mounts its predecessor's anonymous volume by name, which the engine then no
    longer removes with the container: those are removed here by name."""
    carried: list[str] = []
    for name in names:
        with contextlib.suppress(Exception):
            mounts = docker_client.api.inspect_container(name)["Mounts"]
            carried += [
                m["Name"]
                for m in mounts
                if m.get("Type") == "volume" and ANONYMOUS.fullmatch(m["Name"])
            ]
        with contextlib.suppress(Exception):
            docker_client.api.remove_container(name, force=True, v=True)
    for volume in carried:
        with contextlib.suppress(Exception):
            docker_client.api.remove_volume(volume)
    for network in networks:
        with contextlib.suppress(Exception):
            docker_client.api.remove_network(network)


def _untouched_form(blueprint: Any) -> RunSpec:
    """What the Run dialog gives back when the user changes nothing."""
    return _spec(RunForm.from_spec(blueprint.spec))


def _spec(form: RunForm) -> RunSpec:
    """The spec the Run dialog makes of its fields; they must all be right."""
    result = build_run_spec(form)
    assert result.spec is not None, result.problems
    return result.spec


def test_recreate_keeps_every_option(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, cli: Any, name: str,
    tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    container_id = _make(cli, busybox_image, name, tmp_path)
    before = _inspect(docker_client, name)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            blueprint = await blueprint_of_container(bridge, container_id)
            spec = _untouched_form(blueprint)
            request = create_request(blueprint, spec, keep_anonymous=True, baseline=spec)
            op = recreate_container(ContainerRef(container_id, name), request,
                                    request.commands(blueprint.image_config).run)  # fmt: skip
            await bridge.perform(op)
        finally:
            await bridge.close()

    try:
        arun(scenario())
        after = _inspect(docker_client, name)
        assert after["Id"] != container_id
        assert after["State"]["Running"]
        assert differences(comparable(before), comparable(after)) == []
        gone = docker_client.api.containers(all=True, filters={"id": container_id})
        assert gone == []  # the original is gone; its volumes are not
        assert docker_client.api.inspect_volume(f"{name}-data")
    finally:
        _cleanup(docker_client, [name], [f"{name}-front", f"{name}-back"])
        with contextlib.suppress(Exception):
            docker_client.api.remove_volume(f"{name}-data")


def test_an_edit_changes_only_that_field(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, cli: Any, name: str,
    tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    container_id = _make(cli, busybox_image, name, tmp_path)
    before = comparable(_inspect(docker_client, name))

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            blueprint = await blueprint_of_container(bridge, container_id)
            form = RunForm.from_spec(blueprint.spec)
            baseline = _spec(form)
            form.env = [*form.env, "ADDED=yes"]
            edited = _spec(form)
            request = create_request(blueprint, edited, keep_anonymous=True, baseline=baseline)
            await bridge.perform(recreate_container(
                ContainerRef(container_id, name), request, request.commands().run))  # fmt: skip
        finally:
            await bridge.close()

    try:
        arun(scenario())
        after = comparable(_inspect(docker_client, name))
        assert differences(before, after) == [
            f"Config.Env: {before['Config']['Env']!r} != "
            f"{sorted([*before['Config']['Env'], 'ADDED=yes'])!r}"
        ]
    finally:
        _cleanup(docker_client, [name], [f"{name}-front", f"{name}-back"])
        with contextlib.suppress(Exception):
            docker_client.api.remove_volume(f"{name}-data")


def test_a_failed_recreate_leaves_the_original_as_it_was(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, cli: Any, name: str,
    arun: Any,
) -> None:  # fmt: skip
    cli("run", "-d", "--name", name, "--label", f"{TEST_LABEL}=1", busybox_image, "sleep", "600")
    original = _inspect(docker_client, name)

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            blueprint = await blueprint_of_container(bridge, original["Id"])
            form = RunForm.from_spec(blueprint.spec)
            baseline = _spec(form)
            form.command = "/no/such/program"  # created fine, cannot start
            request = create_request(blueprint, _spec(form),
                                     keep_anonymous=True, baseline=baseline)  # fmt: skip
            old = ContainerRef(original["Id"], name)
            operation = recreate_container(old, request, request.commands().run)
            with pytest.raises(EngineError) as failed:
                await bridge.perform(operation)
            assert f"{name} is back as it was" in failed.value.title
        finally:
            await bridge.close()

    try:
        arun(scenario())
        again = _inspect(docker_client, name)
        assert again["Id"] == original["Id"]
        assert again["State"]["Running"]
        listed = docker_client.api.containers(all=True, filters={"label": TEST_LABEL})
        names = [c["Names"][0] for c in listed if name in c["Names"][0]]
        assert names == [f"/{name}"]
    finally:
        _cleanup(docker_client, [name], [])


def test_duplicate_and_the_printed_commands_make_the_same_container(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, cli: Any, name: str,
    tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    container_id = _make(cli, busybox_image, name, tmp_path)
    before = comparable(_inspect(docker_client, name), same_volumes=False)
    commands: list[str] = []

    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            blueprint = await blueprint_of_container(bridge, container_id)
            commands.append(docker_run_text(blueprint))
            form = RunForm.from_spec(blueprint.spec)
            baseline = _spec(form)
            form.name = f"{name}-copy"
            form.ports = ["127.0.0.1::8080"]
            request = create_request(blueprint, _spec(form),
                                     keep_anonymous=False, drop_compose=True,
                                     baseline=baseline)  # fmt: skip
            await bridge.perform(duplicate_container(request, request.commands().run))
        finally:
            await bridge.close()

    try:
        arun(scenario())
        copy = comparable(_inspect(docker_client, f"{name}-copy"), same_volumes=False)
        assert differences(before, copy) == []
        # The printed commands, run by the real CLI after the original is gone.
        text = commands[0]
        assert "docker network connect --alias api" in text
        assert text.splitlines()[0].startswith("# docker run joins one network")
        docker_client.api.remove_container(name, force=True, v=True)
        for line in text.splitlines():
            if not line.startswith("#"):
                subprocess.run(shlex.split(line), check=True, capture_output=True, text=True)
        again = comparable(_inspect(docker_client, name), same_volumes=False)
        assert differences(before, again) == []
    finally:
        _cleanup(docker_client, [name, f"{name}-copy"], [f"{name}-front", f"{name}-back"])
        with contextlib.suppress(Exception):
            docker_client.api.remove_volume(f"{name}-data")


COMPOSE_FILE = """\
version: "3.8"
services:
  db:
    image: {image}
    command: ["sleep", "600"]
    labels: ["{label}=1"]
    volumes:
      - type: volume
        source: data
        target: /var/lib/db
    networks:
      back:
        aliases: ["database"]
  web:
    image: {image}
    command: ["sleep", "600"]
    labels: ["{label}=1"]
    networks: [back]
volumes:
  data:
    labels: ["{label}=1"]
networks:
  back:
    labels: ["{label}=1"]
"""


def test_recreating_a_compose_service_keeps_its_volume_and_alias(
    test_engine: EngineUnderTest, docker_client: Any, busybox_image: str, name: str,
    tmp_path: Path, arun: Any,
) -> None:  # fmt: skip
    project = name.replace("-", "")
    (tmp_path / "docker-compose.yml").write_text(
        COMPOSE_FILE.format(image=busybox_image, label=TEST_LABEL)
    )
    compose = ["docker-compose", "-p", project, "-f", str(tmp_path / "docker-compose.yml")]
    subprocess.run([*compose, "up", "-d"], check=True, capture_output=True, text=True)
    db = f"{project}_db_1"
    try:
        before = _inspect(docker_client, db)
        subprocess.run(["docker", "exec", db, "sh", "-c", "echo kept > /var/lib/db/file"],
                       check=True)  # fmt: skip

        async def scenario() -> None:
            bridge = EngineBridge(test_engine.endpoint)
            await bridge.connect()
            try:
                blueprint = await blueprint_of_container(bridge, before["Id"])
                spec = _untouched_form(blueprint)
                request = create_request(blueprint, spec, keep_anonymous=True, baseline=spec)
                await bridge.perform(recreate_container(
                    ContainerRef(before["Id"], db), request, request.commands().run))  # fmt: skip
            finally:
                await bridge.close()

        arun(scenario())
        after = _inspect(docker_client, db)
        assert differences(comparable(before), comparable(after)) == []
        found = subprocess.run(["docker", "exec", db, "cat", "/var/lib/db/file"],
                               capture_output=True, text=True, check=True)  # fmt: skip
        assert found.stdout.strip() == "kept"
        # The other service still finds it by its service name and its alias.
        for alias in ("db", "database"):
            subprocess.run(["docker", "exec", f"{project}_web_1", "ping", "-c", "1", "-W", "2",
                            alias], check=True, capture_output=True)  # fmt: skip
    finally:
        subprocess.run([*compose, "down", "-v", "-t", "1"], capture_output=True)


def test_the_engines_unreadable_setting_is_put_in_words(
    test_engine: EngineUnderTest, busybox_image: str, arun: Any
) -> None:
    async def scenario() -> None:
        bridge = EngineBridge(test_engine.endpoint)
        await bridge.connect()
        try:
            body = {"Image": busybox_image, "HostConfig": {"Memory": "lots"}}
            with pytest.raises(EngineError) as failed:
                await bridge.call(bridge.sdk_client.api.create_container_from_config, body)
            assert failed.value.title == "The engine could not read one of the settings"
            assert failed.value.message == (
                "Memory was sent as a string where the engine wants a whole number."
            )
            assert "json:" not in failed.value.in_words()
        finally:
            await bridge.close()

    arun(scenario())
