"""Acting on Compose projects through the installed Compose: reading a file's resolved
configuration and hashes, and up, start, stop, restart, scale and down as Operations whose
output is followed line by line and whose command is the one a terminal would run."""

from __future__ import annotations

import os
import shlex
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine_bridge import cli
from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.operations import Operation
from engine_bridge.resources.compose.config import (
    ComposeConfig,
    parse_config,
    parse_hashes,
)
from engine_bridge.resources.compose.project import ComposeProject
from engine_bridge.resources.compose.tool import ComposeTool
from engine_bridge.streams.tool_output import ToolOutput

#: The file names Compose looks for in a folder when it is given none, in its order.
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


@dataclass(frozen=True)
class ComposeFiles:
    """Where a project is defined: its name, the folder it runs from, its compose files
    (absolute), an env file ("" for the folder's .env) and the profiles to enable."""

    name: str
    working_dir: str
    files: tuple[str, ...] = ()
    env_file: str = ""
    profiles: tuple[str, ...] = field(default=())

    @classmethod
    def of_project(cls, project: ComposeProject, profiles: Sequence[str] = ()) -> ComposeFiles:
        return cls(project.name, project.working_dir, project.config_files, project.env_file,
                   tuple(profiles))  # fmt: skip

    def missing(self) -> list[str]:
        """The files (and folder) named that are not on this computer (blocking)."""
        wanted = [self.working_dir, *self.files] + ([self.env_file] if self.env_file else [])
        return [p for p in wanted if not p or not os.path.exists(p)]


def default_file(folder: str) -> str:
    """The compose file Compose would pick in `folder` ("" when there is none)."""
    for name in DEFAULT_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return ""


def command(tool: ComposeTool, target: ComposeFiles, *words: str) -> tuple[str, ...]:
    """The compose command for `target`, as typed in its folder: file names relative to it,
    the default file and env file left out."""
    argv = [*tool.argv, "-p", target.name]
    only_default = len(target.files) == 1 and default_file(target.working_dir) == target.files[0]
    if not only_default:
        for path in target.files:
            argv += ["-f", _relative(path, target.working_dir)]
    if target.env_file and target.env_file != os.path.join(target.working_dir, ".env"):
        argv += ["--env-file", _relative(target.env_file, target.working_dir)]
    for profile in target.profiles:
        argv += ["--profile", profile]
    return (*argv, *words)


def _relative(path: str, folder: str) -> str:
    if folder and os.path.dirname(path) == folder.rstrip("/"):
        return os.path.basename(path)
    return path


def _check_files(target: ComposeFiles) -> None:
    missing = target.missing()
    if missing:
        raise EngineError(
            ErrorKind.NOT_FOUND,
            "The project's files are not on this computer",
            f"Not found: {', '.join(missing)}.",
            "Compose needs the file the project was started from. Stop or remove its "
            "containers in the Containers pane, or restore the file.",
        )


# --- reading a file -------------------------------------------------------------------------


def read_config(tool: ComposeTool, target: ComposeFiles,
                endpoint: Endpoint | None = None) -> ComposeConfig:  # fmt: skip
    """The file as Compose resolves it (variables filled in, files merged); blocking. A
    broken file raises EngineError with what Compose said about it."""
    _check_files(target)
    done = cli.run(command(tool, target, "config"), endpoint, cwd=target.working_dir,
                   background=True)  # fmt: skip
    if not done.ok:
        raise cli.failure("Compose cannot read the file", done,
                          "Correct the file and try again.")  # fmt: skip
    return parse_config(done.output)


def read_hashes(tool: ComposeTool, target: ComposeFiles,
                endpoint: Endpoint | None = None) -> dict[str, str]:  # fmt: skip
    """Each service's configuration hash as the file stands now (blocking)."""
    _check_files(target)
    done = cli.run(command(tool, target, "config", "--hash=*"), endpoint,
                   cwd=target.working_dir, background=True)  # fmt: skip
    if not done.ok:
        raise cli.failure("Compose cannot read the file", done)
    return parse_hashes(done.output)


# --- operations -----------------------------------------------------------------------------


def _operation(title: str, verb: str, steps: Sequence[tuple[str, ...]], target: ComposeFiles,
               endpoint: Endpoint | None) -> Operation[ToolOutput]:  # fmt: skip
    """An operation that runs compose commands one after the other in the project's folder,
    each line they print kept (and the last said as progress); Cancel stops it as Ctrl+C."""
    output = ToolOutput()
    cancel = threading.Event()
    running: list[cli.Follow] = []
    script = (("cd", target.working_dir), *steps) if target.working_dir else tuple(steps)

    def work(_client: Any) -> ToolOutput:
        _check_files(target)
        for step in steps:
            operation.check_cancelled()
            follow = cli.Follow(step, endpoint, cwd=target.working_dir or None,
                                niceness=cli.WORK_NICENESS)  # fmt: skip
            running[:] = [follow]
            output.add(f"$ {shlex.join(step)}")

            def heard(line: str) -> None:
                output.add(line)
                if line.strip():
                    operation.report(None, line.strip())

            done = follow.run(heard)
            operation.check_cancelled()
            if not done.ok:
                raise cli.failure(f"{title} failed", done)
        return output

    def interrupt() -> None:
        for follow in running:
            follow.stop()

    operation: Operation[ToolOutput] = Operation(
        title, steps[-1], work, target=target.name, verb=verb, script=script,
        cancel_requested=cancel, interrupt=interrupt, live=output,
    )  # fmt: skip
    return operation


def up_project(tool: ComposeTool, target: ComposeFiles, endpoint: Endpoint | None = None, *,
               build: bool = False, pull: bool = False,
               services: Sequence[str] = ()) -> Operation[ToolOutput]:  # fmt: skip
    """`compose up -d`: create what is missing and start it (after a pull, when asked)."""
    steps = []
    if pull:
        steps.append(command(tool, target, "pull", *services))
    words = ["up", "-d"] + (["--build"] if build else []) + list(services)
    steps.append(command(tool, target, *words))
    return _operation(f"Up {target.name}", "starting", steps, target, endpoint)


_VERBS = {"start": "starting", "stop": "stopping", "restart": "restarting"}


def run_verb(tool: ComposeTool, target: ComposeFiles, verb: str,
             endpoint: Endpoint | None = None) -> Operation[ToolOutput]:  # fmt: skip
    """`compose start`, `stop` or `restart` of the whole project."""
    step = command(tool, target, verb)
    return _operation(f"{verb.capitalize()} {target.name}", _VERBS[verb], [step], target,
                      endpoint)  # fmt: skip


def scale_service(tool: ComposeTool, target: ComposeFiles, service: str, count: int,
                  endpoint: Endpoint | None = None) -> Operation[ToolOutput]:  # fmt: skip
    """Run `count` containers of one service, the others left as they are."""
    step = command(tool, target, "up", "-d", "--no-deps", "--no-recreate", "--scale",
                   f"{service}={count}", service)  # fmt: skip
    return _operation(f"Scale {service} of {target.name} to {count}", "scaling", [step],
                      target, endpoint)  # fmt: skip


def down_project(tool: ComposeTool, target: ComposeFiles, endpoint: Endpoint | None = None, *,
                 volumes: bool = False, images: str = "") -> Operation[ToolOutput]:  # fmt: skip
    """`compose down`: stop and remove the containers and networks (and with `volumes`
    the named volumes, with `images` "local" or "all" the images)."""
    words = ["down"] + (["-v"] if volumes else []) + (["--rmi", images] if images else [])
    return _operation(f"Down {target.name}", "removing", [command(tool, target, *words)],
                      target, endpoint)  # fmt: skip


def newest_change(target: ComposeFiles) -> float:
    """When the project's files (its compose files and env file) last changed, as a Unix
    time; 0 when none can be read (blocking)."""
    env = target.env_file or os.path.join(target.working_dir, ".env")
    times = []
    for path in (*target.files, env):
        try:
            times.append(Path(path).stat().st_mtime)
        except OSError:
            continue
    return max(times, default=0.0)
