"""RunSpec: everything `docker run` is told, parsed and validated once, rendered two ways.

`argv()` is the docker command a learner can paste; `create_arguments()` is what the SDK
needs to create the same container. `parse_run_args()` reads a `docker run` command line,
and `from_inspect()` works out how an existing container was made.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine_bridge.dto import RestartPolicy
from engine_bridge.specs import SpecError
from engine_bridge.specs.env import parse_env, parse_env_file, parse_label
from engine_bridge.specs.image_ref import parse_image_ref
from engine_bridge.specs.mounts import MountSpec, parse_mount
from engine_bridge.specs.ports import PortMapping, PortRange, parse_port
from engine_bridge.specs.restart_policy import parse_restart_policy, render_restart_policy
from engine_bridge.specs.sizes import parse_cpus, parse_memory, render_memory

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
_DEFAULT_NETWORKS = ("", "default", "bridge")


@dataclass(frozen=True)
class RunSpec:
    """The options of one `docker run`. Empty or None means "as the image says"."""

    image: str
    name: str = ""
    command: tuple[str, ...] = ()
    entrypoint: str | None = None
    detach: bool = True
    interactive: bool = False
    tty: bool = False
    ports: tuple[PortMapping, ...] = ()
    publish_all: bool = False
    env: tuple[tuple[str, str], ...] = ()
    mounts: tuple[MountSpec, ...] = ()
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    network: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    workdir: str = ""
    user: str = ""
    memory: int | None = None
    cpus: float | None = None
    auto_remove: bool = False

    # --- checking -----------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong with these options, by field; empty when all is well."""
        found: dict[str, str] = {}
        try:
            parse_image_ref(self.image)
        except SpecError as exc:
            found["image"] = str(exc)
        if self.name and not _NAME.fullmatch(self.name):
            found["name"] = (
                f"'{self.name}' is not a valid container name: use letters, digits, '_', '.' "
                "and '-', starting with a letter or digit."
            )
        if self.auto_remove and self.restart.name != "no":
            found["auto_remove"] = (
                "Remove on exit (--rm) cannot go with a restart policy: one deletes the "
                "container when it stops, the other starts it again. Choose one."
            )
        if self.workdir and not self.workdir.startswith("/"):
            found["workdir"] = f"The working directory '{self.workdir}' must be an absolute path."
        if self.network == "host" and self.ports:
            found["ports"] = (
                "With the host network the container uses this machine's ports directly; "
                "remove the published ports."
            )
        if not self.detach and not (self.interactive and self.tty):
            found["interactive"] = (
                "A container that is not detached needs a terminal: choose interactive (-it)."
            )
        targets = [m.target for m in self.mounts]
        doubled = sorted({t for t in targets if targets.count(t) > 1})
        if doubled:
            found["volumes"] = f"Two volumes are mounted at {doubled[0]}; each path takes one."
        return found

    # --- the docker command ---------------------------------------------------------------

    def argv(self, verb: str = "run") -> tuple[str, ...]:
        """The `docker run` command that creates this container (or `docker create`)."""
        out = ["docker", verb]
        detach = self.detach and verb == "run"
        flags = ("d" if detach else "") + ("i" if self.interactive else "")
        flags += "t" if self.tty else ""
        if flags:
            out.append(f"-{flags}")
        if self.name:
            out += ["--name", self.name]
        if self.auto_remove:
            out.append("--rm")
        if self.restart.name != "no":
            out += ["--restart", render_restart_policy(self.restart)]
        for port in self.ports:
            out += ["-p", str(port)]
        if self.publish_all:
            out.append("-P")
        for key, value in self.env:
            out += ["-e", f"{key}={value}"]
        for mount in self.mounts:
            out += ["-v", str(mount)]
        if self.network:
            out += ["--network", self.network]
        for key, value in self.labels:
            out += ["--label", f"{key}={value}"]
        if self.workdir:
            out += ["-w", self.workdir]
        if self.user:
            out += ["-u", self.user]
        if self.memory is not None:
            out += ["-m", render_memory(self.memory)]
        if self.cpus is not None:
            out += ["--cpus", f"{self.cpus:g}"]
        if self.entrypoint is not None:
            out += ["--entrypoint", self.entrypoint]
        out.append(self.image)
        out += self.command
        return tuple(out)

    # --- what the SDK needs -------------------------------------------------------------

    def create_arguments(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Arguments for `api.create_container` and for `api.create_host_config`."""
        bindings: dict[str, list[tuple[str, str]]] = {}
        for port in self.ports:
            for key, hosts in port.bindings().items():
                bindings.setdefault(key, []).extend(hosts)
        exposed = sorted(
            {(int(k.split("/")[0]), k.split("/")[1]) for k in bindings}, key=lambda p: p
        )
        host: dict[str, Any] = {
            "port_bindings": bindings,
            "publish_all_ports": self.publish_all,
            "restart_policy": {
                "Name": self.restart.name,
                "MaximumRetryCount": self.restart.max_retries,
            },
            "auto_remove": self.auto_remove,
        }
        binds = [m.bind for m in self.mounts if m.bind]
        if binds:
            host["binds"] = binds
        if self.network:
            host["network_mode"] = self.network
        if self.memory is not None:
            host["mem_limit"] = self.memory
        if self.cpus is not None:
            host["nano_cpus"] = round(self.cpus * 1e9)
        create: dict[str, Any] = {
            "image": self.image,
            "command": list(self.command) or None,
            "name": self.name or None,
            "detach": self.detach,
            "stdin_open": self.interactive,
            "tty": self.tty,
            "ports": exposed or None,
            "environment": [f"{k}={v}" for k, v in self.env] or None,
            "volumes": [m.target for m in self.mounts if m.kind == "anonymous"] or None,
            "labels": dict(self.labels) or None,
            "working_dir": self.workdir or None,
            "user": self.user or None,
        }
        if self.entrypoint is not None:
            create["entrypoint"] = [self.entrypoint] if self.entrypoint else [""]
        return create, host


# --- reading a docker run command line ----------------------------------------------------

_BOOLEAN = {
    "-d": "detach", "--detach": "detach", "-i": "interactive", "--interactive": "interactive",
    "-t": "tty", "--tty": "tty", "-P": "publish_all", "--publish-all": "publish_all",
    "--rm": "auto_remove",
}  # fmt: skip
_VALUED = {
    "--name": "name", "-p": "publish", "--publish": "publish", "-e": "env", "--env": "env",
    "--env-file": "env_file", "-v": "volume", "--volume": "volume", "--restart": "restart",
    "--network": "network", "--net": "network", "-l": "label", "--label": "label",
    "-w": "workdir", "--workdir": "workdir", "-u": "user", "--user": "user",
    "-m": "memory", "--memory": "memory", "--cpus": "cpus", "--entrypoint": "entrypoint",
}  # fmt: skip


def parse_run_args(
    args: Sequence[str],
    read_file: Callable[[str], str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
    notes: list[str] | None = None,
) -> RunSpec:
    """A RunSpec from the words after `docker run` (a leading "docker run" is skipped), read
    as the docker CLI reads them.

    `read_file` reads an `--env-file` (without it that flag is refused); `environ` gives
    the value of `-e NAME` written without one (the CLI takes it from its environment);
    `cwd` is what a relative bind source such as ./site is relative to. What was taken
    from the environment is said in `notes`. The whole spec is checked: the first problem
    is raised as a SpecError.
    """
    words = list(args)
    if words[:2] == ["docker", "run"]:
        words = words[2:]
    values: dict[str, Any] = {"detach": False}
    lists: dict[str, list[str]] = {}
    index = 0

    def take(key: str, value: str) -> None:
        if key in ("publish", "env", "env_file", "volume", "label"):
            lists.setdefault(key, []).append(value)
        else:
            values[key] = value

    def value_after(name: str) -> str:
        nonlocal index
        if index >= len(words):
            raise SpecError(f"{name} needs a value after it.")
        index += 1
        return words[index - 1]

    while index < len(words):
        word = words[index]
        if not word.startswith("-") or word == "-":
            break
        index += 1
        if word == "--":
            break
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            if name in _BOOLEAN:
                values[_BOOLEAN[name]] = _boolean(inline, word) if eq else True
            elif name in _VALUED:
                take(_VALUED[name], inline if eq else value_after(name))
            else:
                raise SpecError(f"Dockyard does not know the docker run option '{name}' yet.")
            continue
        # Short options, which may be grouped: -dit, -dp 8080:80, -p8080:80, -e=A=1, -u=1000.
        position = 1
        while position < len(word):
            option = f"-{word[position]}"
            rest = word[position + 1 :]
            if option in _BOOLEAN:
                if rest.startswith("="):
                    values[_BOOLEAN[option]] = _boolean(rest[1:], word)
                    break
                values[_BOOLEAN[option]] = True
                position += 1
                continue
            if option in _VALUED:
                value = rest.removeprefix("=") if rest else value_after(option)
                take(_VALUED[option], value)
                break
            raise SpecError(f"Dockyard does not know the docker run option '{option}' yet.")
    if index >= len(words):
        raise SpecError("The command names no image: write the image after the options.")
    said = notes if notes is not None else []
    env: list[tuple[str, str]] = []
    for path in lists.get("env_file", []):
        if read_file is None:
            raise SpecError("--env-file needs the file to be read; load it in the Run dialog.")
        env += parse_env_file(read_file(path), path, environ=environ, notes=said)
    for entry in lists.get("env", []):
        if "=" in entry or environ is None:
            env.append(parse_env(entry))
        elif entry in environ:
            env.append((entry, environ[entry]))
            said.append(f"-e {entry} takes {entry} from Dockyard's own environment.")
        else:
            said.append(f"-e {entry} is left out: {entry} is not set in Dockyard's environment.")
    spec = RunSpec(
        image=words[index],
        command=tuple(words[index + 1 :]),
        name=values.get("name", ""),
        entrypoint=values.get("entrypoint"),
        detach=values.get("detach", False),
        interactive=values.get("interactive", False),
        tty=values.get("tty", False),
        ports=tuple(parse_port(p) for p in lists.get("publish", [])),
        publish_all=values.get("publish_all", False),
        env=_later_wins(env),
        mounts=tuple(parse_mount(_absolute(v, cwd)) for v in lists.get("volume", [])),
        restart=parse_restart_policy(values.get("restart", "no")),
        network=values.get("network", ""),
        labels=_later_wins([parse_label(label) for label in lists.get("label", [])]),
        workdir=values.get("workdir", ""),
        user=values.get("user", ""),
        memory=parse_memory(values["memory"]) if "memory" in values else None,
        cpus=parse_cpus(values["cpus"]) if "cpus" in values else None,
        auto_remove=values.get("auto_remove", False),
    )
    # Running in the foreground is the CLI's business (the app always detaches): every
    # other problem is the command's.
    problems = {k: v for k, v in spec.problems().items() if k != "interactive"}
    if problems:
        raise SpecError(next(iter(problems.values())))
    return spec


def _boolean(text: str, word: str) -> bool:
    if text.lower() in ("true", "1", ""):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise SpecError(f"'{word}': write true or false after the '='.")


def _later_wins(pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Pairs by key, a later one replacing an earlier one in its place (as the engine and
    the CLI take repeated variables and labels)."""
    found: dict[str, str] = {}
    for key, value in pairs:
        found[key] = value
    return tuple(found.items())


def _absolute(volume: str, cwd: str | None) -> str:
    """A bind source written relative to the current folder (./site:/app), made absolute
    as the CLI does."""
    if cwd is None or not volume.startswith(".") or ":" not in volume:
        return volume
    source, rest = volume.split(":", 1)
    return f"{posixpath.normpath(posixpath.join(cwd, source))}:{rest}"


# --- how an existing container was made ---------------------------------------------------


def from_inspect(container: Mapping[str, Any], image: Mapping[str, Any] | None) -> RunSpec:
    """The RunSpec that makes a container like this one, given its inspect data and its
    image's (options equal to the image's own defaults are left out)."""
    config = container.get("Config") or {}
    host = container.get("HostConfig") or {}
    image_config = (image or {}).get("Config") or {}
    image_env = set(image_config.get("Env") or [])
    image_labels = image_config.get("Labels") or {}
    entrypoint = config.get("Entrypoint") or []
    command = list(config.get("Cmd") or [])
    image_entrypoint = image_config.get("Entrypoint") or []
    entry: str | None = None
    if entrypoint != image_entrypoint:
        # The CLI takes one program as the entrypoint; the rest of it goes before the command.
        entry = entrypoint[0] if entrypoint else ""
        command = list(entrypoint[1:]) + command
    elif command == list(image_config.get("Cmd") or []):
        command = []
    ports = []
    for key, bindings in sorted((host.get("PortBindings") or {}).items()):
        number, _, protocol = key.partition("/")
        for binding in bindings or [{}]:
            host_port = str(binding.get("HostPort") or "")
            ports.append(
                PortMapping(
                    PortRange(int(number), int(number)),
                    protocol or "tcp",
                    _host_range(host_port),
                    str(binding.get("HostIp") or ""),
                )
            )
    binds = [parse_mount(b) for b in host.get("Binds") or []]
    bound = {m.target for m in binds}
    anonymous = [
        MountSpec("anonymous", path)
        for path in sorted(config.get("Volumes") or {})
        if path not in bound and path not in (image_config.get("Volumes") or {})
    ]
    policy = host.get("RestartPolicy") or {}
    network = str(host.get("NetworkMode") or "")
    nano = int(host.get("NanoCpus") or 0)
    return RunSpec(
        image=str(config.get("Image") or container.get("Image") or ""),
        name=str(container.get("Name") or "").lstrip("/"),
        command=tuple(command),
        entrypoint=entry,
        detach=True,
        interactive=bool(config.get("OpenStdin")),
        tty=bool(config.get("Tty")),
        ports=tuple(ports),
        publish_all=bool(host.get("PublishAllPorts")),
        # An engine keeps "NAME" without a value as given (the API takes it): read it as empty.
        env=tuple(_env_entry(e) for e in config.get("Env") or [] if e not in image_env),
        mounts=tuple(binds + anonymous),
        restart=RestartPolicy(
            str(policy.get("Name") or "no"), int(policy.get("MaximumRetryCount") or 0)
        ),
        network="" if network in _DEFAULT_NETWORKS else network,
        labels=tuple(
            (k, v)
            for k, v in sorted((config.get("Labels") or {}).items())
            if image_labels.get(k) != v
        ),
        workdir=_unless(config.get("WorkingDir"), image_config.get("WorkingDir")),
        user=_unless(config.get("User"), image_config.get("User")),
        memory=int(host["Memory"]) if host.get("Memory") else None,
        cpus=nano / 1e9 if nano else None,
        auto_remove=bool(host.get("AutoRemove")),
    )


def _host_range(text: str) -> PortRange | None:
    if not text:
        return None
    start, _, end = text.partition("-")
    return PortRange(int(start), int(end or start))


def _unless(value: object, default: object) -> str:
    return "" if not value or value == default else str(value)


def effective_process(
    image_entrypoint: Sequence[str],
    image_command: Sequence[str],
    entrypoint: str | None,
    command: Sequence[str],
) -> tuple[str, ...]:
    """The argv the container's main process gets, the way the engine combines them.

    A command replaces the image's command; an entrypoint replaces the image's entrypoint
    and drops the image's command too.
    """
    if entrypoint is not None:
        return (*([entrypoint] if entrypoint else []), *command)
    return (*image_entrypoint, *(command or image_command))


def _env_entry(entry: str) -> tuple[str, str]:
    name, _, value = entry.partition("=")
    return name, value
