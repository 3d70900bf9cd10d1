"""Which Compose is installed: the `docker compose` plugin (v2) or `docker-compose` (v1, or a
v2 binary under that name), found the way a terminal would find them."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from dataclasses import dataclass

from engine_bridge.errors import EngineError, ErrorKind


@dataclass(frozen=True)
class ComposeTool:
    """An installed Compose: the words that run it, and its version."""

    argv: tuple[str, ...]
    version: str

    @property
    def v2(self) -> bool:
        return not self.version.startswith("1.")

    @property
    def name(self) -> str:
        return " ".join(self.argv)


def _version(argv: list[str]) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run([*argv, "version", "--short"], capture_output=True, text=True,
                              timeout=20, check=False, stdin=subprocess.DEVNULL)  # fmt: skip
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip().splitlines()[-1].lstrip("v")
    return ""


def find_tool() -> ComposeTool | None:
    """The Compose to use, the plugin first (blocking: runs it). None when there is none."""
    docker = shutil.which("docker")
    if docker is not None:
        version = _version(["docker", "compose"])
        if version:
            return ComposeTool(("docker", "compose"), version)
    if shutil.which("docker-compose") is not None:
        version = _version(["docker-compose"])
        if version:
            return ComposeTool(("docker-compose",), version)
    return None


def missing_tool() -> EngineError:
    return EngineError(
        ErrorKind.CONFIG,
        "Docker Compose is not installed",
        "Neither the docker compose plugin nor docker-compose was found on this computer.",
        "Install one: the Docker Compose plugin (package docker-compose-plugin from Docker's "
        "repository), or docker-compose (on Debian and Ubuntu: apt install docker-compose). "
        "Then choose Compose again.",
    )
