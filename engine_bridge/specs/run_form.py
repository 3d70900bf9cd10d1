"""The Run dialog's fields as typed, turned into a RunSpec or into per-field problems."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from engine_bridge.dto import RestartPolicy
from engine_bridge.specs import SpecError
from engine_bridge.specs.env import parse_env, parse_label
from engine_bridge.specs.image_ref import parse_image_ref
from engine_bridge.specs.mounts import parse_mount
from engine_bridge.specs.ports import parse_port
from engine_bridge.specs.run_spec import RunSpec
from engine_bridge.specs.sizes import parse_cpus, parse_memory

if TYPE_CHECKING:
    from engine_bridge.specs.container_config import Blueprint

T = TypeVar("T")


@dataclass
class RunForm:
    """Every field of the Run dialog, as text (lists: one entry a row)."""

    image: str = ""
    name: str = ""
    command: str = ""
    entrypoint: str = ""
    override_entrypoint: bool = False
    interactive: bool = False
    ports: list[str] = field(default_factory=list)
    publish_all: bool = False
    env: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    restart: str = "no"
    max_retries: int = 0
    network: str = ""
    labels: list[str] = field(default_factory=list)
    workdir: str = ""
    user: str = ""
    memory: str = ""
    cpus: str = ""
    auto_remove: bool = False
    #: The container these fields were read from (to recreate or duplicate it), whose
    #: whole configuration is kept where the fields are left as they were.
    blueprint: Blueprint | None = None

    @classmethod
    def from_spec(cls, spec: RunSpec) -> RunForm:
        """The fields that describe `spec` (to edit a copy of an existing container)."""
        return cls(
            image=spec.image,
            name=spec.name,
            command=shlex.join(spec.command),
            entrypoint=spec.entrypoint or "",
            override_entrypoint=spec.entrypoint is not None,
            interactive=spec.interactive or spec.tty,
            ports=[str(p) for p in spec.ports],
            publish_all=spec.publish_all,
            env=[f"{k}={v}" for k, v in spec.env],
            volumes=[str(m) for m in spec.mounts],
            restart=spec.restart.name,
            max_retries=spec.restart.max_retries,
            network=spec.network,
            labels=[f"{k}={v}" for k, v in spec.labels],
            workdir=spec.workdir,
            user=spec.user,
            memory=str(spec.memory) if spec.memory else "",
            cpus=f"{spec.cpus:g}" if spec.cpus else "",
            auto_remove=spec.auto_remove,
        )


@dataclass
class FormResult:
    """A spec when every field is right; else `problems` by field name ("ports[2]" for a row)."""

    spec: RunSpec | None
    problems: dict[str, str]


def build_run_spec(form: RunForm, cpus_available: int | None = None) -> FormResult:
    """Check every field and, when all are right, make the RunSpec."""
    problems: dict[str, str] = {}

    def check(name: str, parse: Callable[[str], T], text: str) -> T | None:
        try:
            return parse(text)
        except SpecError as exc:
            problems[name] = str(exc)
            return None

    def rows(name: str, parse: Callable[[str], T], texts: Sequence[str]) -> list[T]:
        found = []
        for index, text in enumerate(texts):
            if text.strip():
                value = check(f"{name}[{index}]", parse, text)
                if value is not None:
                    found.append(value)
        return found

    check("image", parse_image_ref, form.image)
    command = check("command", _split_command, form.command) or []
    if form.override_entrypoint and any(ch.isspace() for ch in form.entrypoint.strip()):
        problems["entrypoint"] = (
            "The entrypoint is one program, such as /bin/sh; put its arguments in the command."
        )
    ports = rows("ports", parse_port, form.ports)
    env = rows("env", parse_env, form.env)
    mounts = rows("volumes", parse_mount, form.volumes)
    labels = rows("labels", parse_label, form.labels)
    memory = check("memory", parse_memory, form.memory) if form.memory.strip() else None
    cpus = (
        check("cpus", lambda t: parse_cpus(t, cpus_available), form.cpus)
        if form.cpus.strip()
        else None
    )
    if form.max_retries < 0:
        problems["restart"] = "The number of retries cannot be negative."
    policy = RestartPolicy(form.restart, form.max_retries if form.restart == "on-failure" else 0)
    spec = RunSpec(
        image=form.image.strip(),
        name=form.name.strip(),
        command=tuple(command),
        entrypoint=form.entrypoint.strip() if form.override_entrypoint else None,
        detach=True,
        interactive=form.interactive,
        tty=form.interactive,
        ports=tuple(ports),
        publish_all=form.publish_all,
        env=tuple(env),
        mounts=tuple(mounts),
        restart=policy,
        network=form.network.strip(),
        labels=tuple(labels),
        workdir=form.workdir.strip(),
        user=form.user.strip(),
        memory=memory,
        cpus=cpus,
        auto_remove=form.auto_remove,
    )
    for name, problem in spec.problems().items():
        problems.setdefault(name, problem)
    return FormResult(None if problems else spec, problems)


def _split_command(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise SpecError(f"The command has {exc}: close the quote, or escape it with \\.") from None
