"""Builds on the real engine's classic builder: a multi-stage build FROM scratch with the
static busybox, build arguments, labels and two tags; a cached rebuild; a target stage;
.dockerignore honoured; a failing RUN named with its Dockerfile line; a cancelled build that
leaves no intermediate container behind."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.credentials import Credentials
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import OperationState
from engine_bridge.resources.builds import build_image, summarise_context
from engine_bridge.specs.build_spec import BuildSpec, docker_build_text
from engine_bridge.streams.build_progress import BuildProgress
from tests.engine_support import BUSYBOX_BINARY, TEST_LABEL, EngineUnderTest, build_files_image
from tests.registry_support import LocalRegistry

DOCKERFILE = """\
ARG GREETING=hello
FROM scratch AS build
COPY busybox /bin/busybox
RUN ["/bin/busybox", "ln", "-s", "/bin/busybox", "/bin/sh"]
ARG GREETING
RUN echo "$GREETING from the build stage" > /greeting.txt

FROM scratch
COPY --from=build /bin/busybox /bin/busybox
COPY --from=build /greeting.txt /greeting.txt
COPY . /context/
CMD ["/bin/busybox", "cat", "/greeting.txt"]
"""


@pytest.fixture
def context(tmp_path: Path) -> Path:
    shutil.copy(BUSYBOX_BINARY, tmp_path / "busybox")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "notes.txt").write_text("sent along\n")
    (tmp_path / "big.bin").write_bytes(b"\0" * 3_000_000)
    (tmp_path / ".dockerignore").write_text("# the big file stays home\nbig.bin\n")
    return tmp_path


@pytest.fixture
def bridge(test_engine: EngineUnderTest, arun: Any) -> Any:
    made = EngineBridge(test_engine.endpoint)
    arun(made.connect())
    yield made
    arun(made.close())


def _run_output(docker_client: Any, image: str, *command: str) -> str:
    output = docker_client.containers.run(image, list(command) or None, remove=True,
                                          labels={TEST_LABEL: "1"})  # fmt: skip
    return bytes(output).decode()


def test_a_multi_stage_build_with_args_labels_and_tags(
    bridge: EngineBridge, context: Path, docker_client: Any, name: str, arun: Any
) -> None:
    spec = BuildSpec(str(context), tags=(f"{name}:1", f"{name}:latest"),
                     args=(("GREETING", "hi"),), labels=((TEST_LABEL, "1"),))  # fmt: skip
    summary = summarise_context(spec)
    assert summary.left_out == 1, "big.bin is kept back by .dockerignore"
    assert summary.size < 3_000_000
    assert summary.biggest[0][0] == "busybox"
    try:
        operation = arun(bridge.perform(build_image(spec)))
        assert operation.state is OperationState.SUCCEEDED
        progress = operation.result
        # Every instruction is a step, the ARG before the first FROM too (the labels asked
        # for may add one of their own at the end).
        assert [s.keyword for s in progress.steps][:11] == [
            "ARG", "FROM", "COPY", "RUN", "ARG", "RUN", "FROM", "COPY", "COPY", "COPY", "CMD",
        ]  # fmt: skip
        image = docker_client.images.get(f"{name}:1")
        assert set(image.tags) == {f"{name}:1", f"{name}:latest"}
        assert image.labels.get(TEST_LABEL) == "1"
        assert progress.image_id == image.id
        assert _run_output(docker_client, f"{name}:1") == "hi from the build stage\n"
        listed = _run_output(docker_client, f"{name}:1", "/bin/busybox", "ls", "/context")
        assert "notes.txt" in listed
        assert "big.bin" not in listed, "the engine was never sent what .dockerignore names"
        assert docker_build_text(spec) == (
            f"docker build -t {name}:1 -t {name}:latest --build-arg GREETING=hi "
            f"--label {TEST_LABEL}=1 {context}"
        )

        # The same build again: every step but the FROMs comes from the cache.
        again = arun(bridge.perform(build_image(spec))).result
        made = [s for s in again.steps if s.keyword not in ("FROM", "ARG")]
        assert made
        assert all(s.cached for s in made), [(s.instruction, s.cached) for s in made]
        assert again.image_id == image.id

        # Stopping at the build stage: the greeting is there, with no CMD to print it.
        staged = BuildSpec(str(context), tags=(f"{name}:stage",), target="build",
                           args=(("GREETING", "hey"),))  # fmt: skip
        arun(bridge.perform(build_image(staged)))
        said = _run_output(docker_client, f"{name}:stage", "/bin/busybox", "cat", "/greeting.txt")
        assert said == "hey from the build stage\n"
    finally:
        for tag in (f"{name}:1", f"{name}:latest", f"{name}:stage"):
            if _exists(docker_client, tag):
                docker_client.api.remove_image(tag, force=True)


def _exists(docker_client: Any, tag: str) -> bool:
    try:
        docker_client.api.inspect_image(tag)
    except Exception:
        return False
    return True


def test_a_failing_step_is_named_with_its_line(
    bridge: EngineBridge, tmp_path: Path, arun: Any
) -> None:
    shutil.copy(BUSYBOX_BINARY, tmp_path / "busybox")
    (tmp_path / "Dockerfile").write_text(
        "FROM scratch\nCOPY busybox /bin/busybox\n\n"
        '# this one fails\nRUN ["/bin/busybox", "sh", "-c", "echo about to fail; exit 3"]\n'
    )
    operation = build_image(BuildSpec(str(tmp_path)))
    with pytest.raises(EngineError) as raised:
        arun(bridge.perform(operation))
    assert operation.state is OperationState.FAILED
    error = raised.value
    assert "Step 3" in error.title
    assert "line 5 of Dockerfile" in error.title
    assert "non-zero code: 3" in error.message
    live = operation.live
    assert isinstance(live, BuildProgress)
    assert live.current is not None
    assert "about to fail" in live.current.output


def test_cancelling_a_build_stops_it_and_leaves_no_container(
    bridge: EngineBridge, tmp_path: Path, docker_client: Any, arun: Any
) -> None:
    shutil.copy(BUSYBOX_BINARY, tmp_path / "busybox")
    (tmp_path / "Dockerfile").write_text(
        'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sleep", "60"]\n'
    )
    before = {c["Id"] for c in docker_client.api.containers(all=True)}

    async def scenario() -> Any:
        operation = build_image(BuildSpec(str(tmp_path), no_cache=True))
        running = asyncio.ensure_future(bridge.perform(operation))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not (isinstance(operation.live, BuildProgress) and operation.live.current
                   and operation.live.current.container_id):  # fmt: skip
            assert loop.time() < deadline, "the RUN step did not start"
            await asyncio.sleep(0.05)
        started = loop.time()
        operation.cancel()
        with pytest.raises(EngineError, match="cancelled"):
            await running
        return operation, loop.time() - started

    operation, took = arun(scenario())
    assert operation.state is OperationState.CANCELLED
    assert took < 10, "cancel does not wait for the step to end"

    async def cleaned() -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while {c["Id"] for c in docker_client.api.containers(all=True)} - before:
            assert loop.time() < deadline, "the intermediate container is still there"
            await asyncio.sleep(0.2)

    arun(cleaned())


def test_the_build_cache_prune_runs_on_the_engine(bridge: EngineBridge, arun: Any) -> None:
    from engine_bridge import build_cache, prune_build_cache

    before = arun(build_cache(bridge))
    done = arun(bridge.perform(prune_build_cache()))
    assert done.state is OperationState.SUCCEEDED
    assert done.result is not None
    assert done.result >= 0
    after = arun(build_cache(bridge))
    assert after.reclaimable <= before.reclaimable


def test_a_base_image_behind_a_login_is_pulled_with_it(
    bridge: EngineBridge, registry: LocalRegistry, docker_client: Any, tmp_path: Path,
    name: str, arun: Any,
) -> None:  # fmt: skip
    base = f"{registry.host}/dockyard-test/{name}-base:1"
    login = Credentials(registry.host, registry.username, registry.password)
    build_files_image(docker_client, base, {"base.txt": b"from the registry\n"})
    docker_client.api.push(base, auth_config=login.auth_config())
    docker_client.api.remove_image(base, force=True)
    (tmp_path / "Dockerfile").write_text(f"FROM {base}\nLABEL {TEST_LABEL}=1\n")
    tag = f"{name}:on-base"
    try:
        # Without the login the engine cannot pull it, and says so in a registry's words.
        with pytest.raises(EngineError) as refused:
            arun(bridge.perform(build_image(BuildSpec(str(tmp_path), tags=(tag,)))))
        assert refused.value.kind in (ErrorKind.UNAUTHORIZED, ErrorKind.IMAGE_NOT_FOUND)
        assert "Step 1 (FROM" in refused.value.title
        done = arun(bridge.perform(build_image(BuildSpec(str(tmp_path), tags=(tag,)), [login])))
        assert done.state is OperationState.SUCCEEDED
        assert docker_client.api.inspect_image(tag)["Config"]["Labels"][TEST_LABEL] == "1"
    finally:
        for image in (tag, base):
            if _exists(docker_client, image):
                docker_client.api.remove_image(image, force=True)
