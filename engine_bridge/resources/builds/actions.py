"""A build on the engine's classic builder (`POST /build`): the context sent as `docker build`
sends it, the steps followed as they happen, Cancel ending the build on the engine (closing
the request makes the engine stop it and remove its intermediate containers)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

from docker import auth

from engine_bridge import sdk
from engine_bridge.credentials import Credentials, server_address
from engine_bridge.errors import EngineError, ErrorKind, registry_error
from engine_bridge.operations import Operation
from engine_bridge.specs.build_spec import BuildSpec, api_params, docker_build_command
from engine_bridge.specs.dockerfile import parse
from engine_bridge.streams.build_progress import BuildProgress

Client = Any


def describe_build(progress: BuildProgress) -> str:
    """One line for the Activity drawer: the step under way and its instruction."""
    step = progress.current
    if step is None:
        return "Sending the build context…"
    cached = " (cached)" if step.cached else ""
    return f"Step {step.number} of {step.total}: {step.instruction}{cached}"


def build_image(spec: BuildSpec, logins: Sequence[Credentials] = ()) -> Operation[BuildProgress]:
    """`docker build` of `spec`. The result is the build's progress: its steps, the image
    made and its tags. A failed step raises an EngineError naming the step and the line of
    the Dockerfile it came from. `logins` go to the engine for the base images it pulls from
    registries that want one (as the docker CLI sends its stored logins)."""
    shown = spec.tags[0] if spec.tags else os.path.basename(os.path.abspath(spec.context))

    def work(client: Client) -> BuildProgress:
        root = os.path.abspath(spec.context)
        files = sdk.build_context_files(root, spec.dockerfile_path)
        operation.report(None, f"Sending the build context ({len(files)} files)…")
        archive = sdk.build_context_archive(root, files)
        progress = BuildProgress()
        operation.live = progress
        headers = {"Content-Type": "application/x-tar"}
        if logins:
            every = {server_address(c.registry): c.auth_config() for c in logins}
            encoded = auth.encode_header(every)
            headers["X-Registry-Config"] = (
                encoded.decode() if isinstance(encoded, bytes) else encoded
            )
        try:
            response = sdk.request(
                client, "post", "/build", params=api_params(spec), data=archive, headers=headers,
            )  # fmt: skip
        finally:
            archive.close()

        def each(message: dict[str, Any]) -> None:
            progress.add(message, time.monotonic())
            operation.report(progress.fraction, describe_build(progress))

        sdk.follow_messages(client, response, operation, each)
        if progress.error:
            raise failed_step_error(spec, progress)
        took = sum(step.seconds or 0.0 for step in progress.steps)
        cached = sum(1 for step in progress.steps if step.cached)
        words = f"Built {progress.image_id.removeprefix('sha256:')[:12]} in {took:.1f} s"
        words += f" ({cached} of {len(progress.steps)} steps from the cache)" if cached else ""
        operation.report(1.0, words, force=True)
        return progress

    operation: Operation[BuildProgress] = Operation(
        f"Build {shown}", tuple(docker_build_command(spec)), work, target=shown, verb="building"
    )
    operation.cancel_requested = threading.Event()
    return operation


def failed_step_error(spec: BuildSpec, progress: BuildProgress) -> EngineError:
    """The builder's error, with the step that failed and its line in the Dockerfile."""
    step = progress.current
    where = ""
    about_registry = registry_error(progress.error)
    if about_registry is not None and step is not None and step.keyword == "FROM":
        about_registry.title = f"Step {step.number} ({step.instruction}): {about_registry.title}"
        return about_registry
    if step is not None:
        line = failing_line(spec, step.number)
        where = f"Step {step.number} ({step.instruction})"
        where += f", line {line} of {spec.dockerfile_path}" if line else ""
    return EngineError(
        ErrorKind.ENGINE,
        f"The build failed at {where}" if where else "The build failed",
        progress.error,
        "Read the step's output above the error; fix the Dockerfile or the files it uses, "
        "then build again (the steps before it come from the cache).",
    )


def failing_line(spec: BuildSpec, step_number: int) -> int | None:
    """The Dockerfile line of build step `step_number` (the classic builder counts every
    instruction, the ARGs before the first FROM included, as a step)."""
    path = os.path.join(os.path.abspath(spec.context), spec.dockerfile_path)
    with contextlib.suppress(OSError):
        with open(path, encoding="utf-8", errors="replace") as text:
            instructions = parse(text.read()).instructions
        if 0 < step_number <= len(instructions):
            return instructions[step_number - 1].line
    return None


def dockerfile_excerpt(spec: BuildSpec, line: int, around: int = 2) -> list[tuple[int, str]]:
    """Lines `line - around` to `line + around` of the spec's Dockerfile, numbered."""
    path = os.path.join(os.path.abspath(spec.context), spec.dockerfile_path)
    with contextlib.suppress(OSError):
        with open(path, encoding="utf-8", errors="replace") as text:
            lines = text.read().splitlines()
        first = max(1, line - around)
        return [(n, lines[n - 1]) for n in range(first, min(len(lines), line + around) + 1)]
    return []
