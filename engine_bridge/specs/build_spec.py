"""What a user asks a build for: the context folder, the Dockerfile, tags, the stage to stop
at, build arguments, labels and switches; checked, and said as the `docker build` command that
does the same and as the Engine API's `/build` parameters.

Pure: no engine, no files read.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Any

from engine_bridge.specs.image_ref import parse_image_ref


@dataclass(frozen=True)
class BuildSpec:
    """`dockerfile` is relative to the context ("Dockerfile" when empty)."""

    context: str
    dockerfile: str = "Dockerfile"
    tags: tuple[str, ...] = ()
    target: str = ""
    args: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    no_cache: bool = False
    pull: bool = False
    platform: str = ""

    @property
    def dockerfile_path(self) -> str:
        return self.dockerfile or "Dockerfile"


def problems(spec: BuildSpec) -> dict[str, str]:
    """What is wrong with the spec, by field ("context", "tags", "args"…), in words."""
    found: dict[str, str] = {}
    if not spec.context.strip():
        found["context"] = "Choose the folder to build from (the build context)."
    dockerfile = posixpath.normpath(spec.dockerfile_path.replace("\\", "/"))
    if dockerfile.startswith("../") or dockerfile == "..":
        found["dockerfile"] = (
            "The Dockerfile must be inside the context folder; move it there or choose a "
            "context that holds it."
        )
    for tag in spec.tags:
        try:
            ref = parse_image_ref(tag)
        except ValueError as exc:
            found["tags"] = f"'{tag}' is not a valid tag: {exc}"
            break
        if ref.digest:
            found["tags"] = f"'{tag}' names a digest; a build can only be tagged name[:tag]."
            break
    for name, _value in spec.args:
        if not name or not (name[0].isalpha() or name[0] == "_") or "=" in name:
            found["args"] = f"'{name}' is not a build argument name: letters, digits and _."
            break
    if spec.platform and not re.fullmatch(r"[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?", spec.platform):
        found["platform"] = (
            f"'{spec.platform}' is not a platform: write os/architecture[/variant], "
            "e.g. linux/amd64 or linux/arm/v7."
        )
    for name, _value in spec.labels:
        if not name.strip():
            found["labels"] = "A label needs a name."
            break
    return found


def docker_build_command(spec: BuildSpec) -> list[str]:
    """`docker build …` as the user would type it, flags in a stable order."""
    argv = ["docker", "build"]
    if spec.dockerfile_path != "Dockerfile":
        argv += ["-f", posixpath.join(spec.context, spec.dockerfile_path)]
    for tag in spec.tags:
        argv += ["-t", tag]
    if spec.target:
        argv += ["--target", spec.target]
    for name, value in spec.args:
        argv += ["--build-arg", f"{name}={value}"]
    for name, value in spec.labels:
        argv += ["--label", f"{name}={value}"]
    if spec.no_cache:
        argv.append("--no-cache")
    if spec.pull:
        argv.append("--pull")
    if spec.platform:
        argv += ["--platform", spec.platform]
    argv.append(spec.context)
    return argv


def docker_build_text(spec: BuildSpec) -> str:
    return shlex.join(docker_build_command(spec))


def api_params(spec: BuildSpec) -> dict[str, Any]:
    """The query of `POST /build` for the spec (the classic builder). Intermediate
    containers are always removed, even after a failed step, as the docker CLI does."""
    params: dict[str, Any] = {
        "dockerfile": spec.dockerfile_path,
        "rm": "1",
        "forcerm": "1",
    }
    if spec.tags:
        params["t"] = list(spec.tags)  # one t= each: every tag is applied
    if spec.target:
        params["target"] = spec.target
    if spec.args:
        params["buildargs"] = json.dumps(dict(spec.args))
    if spec.labels:
        params["labels"] = json.dumps(dict(spec.labels))
    if spec.no_cache:
        params["nocache"] = "1"
    if spec.pull:
        params["pull"] = "1"
    if spec.platform:
        params["platform"] = spec.platform
    return params
