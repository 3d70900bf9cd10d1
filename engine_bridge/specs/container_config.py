"""A container's whole configuration, as the engine reports it, turned back into what makes
the same container: the body of a create request (for Recreate and Duplicate), or the
`docker run` command and its follow-ups (for "Copy docker run"). Pure: no I/O.

Recreate and Duplicate start from everything the engine says the container was made with
(Config, HostConfig, its network endpoints), leave out only what the engine fills in itself,
and change only the fields the user edited in the Run dialog (the difference between the
RunSpec read from the container and the one the dialog gives back).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine_bridge.specs.env import parse_env
from engine_bridge.specs.run_command import RunCommands, Setting, run_commands
from engine_bridge.specs.run_spec import RunSpec, from_inspect

COMPOSE_PREFIX = "com.docker.compose."
_DEFAULT_NETWORK_MODES = ("", "default", "bridge")
_UNATTACHED_MODES = ("host", "none")


@dataclass(frozen=True)
class Blueprint:
    """What makes a container like one that exists.

    `config` is the create body (Config's fields with HostConfig inside), `endpoints` each
    network's endpoint settings (the first one goes into the create request, the others are
    connected afterwards), `anonymous` the container's anonymous volumes by mount path, and
    `spec` what the Run dialog shows of it."""

    source_id: str
    name: str
    config: Mapping[str, Any]
    endpoints: Mapping[str, Mapping[str, Any]]
    primary: str
    anonymous: Mapping[str, tuple[str, bool]]
    spec: RunSpec
    image_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def compose_labels(self) -> dict[str, str]:
        labels = self.config.get("Labels") or {}
        return {k: v for k, v in labels.items() if k.startswith(COMPOSE_PREFIX)}


def blueprint_of(container: Mapping[str, Any], image: Mapping[str, Any] | None) -> Blueprint:
    """The blueprint of a container, from its inspect data and its image's (None when the
    image is gone)."""
    short = str(container.get("Id", ""))[:12]
    config = copy.deepcopy(dict(container.get("Config") or {}))
    if config.get("Hostname") == short:
        config.pop("Hostname")  # the engine's default: the new container gets its own
    host = copy.deepcopy(dict(container.get("HostConfig") or {}))
    host["Links"] = _links(host.get("Links"))
    config["HostConfig"] = host
    mode = str(host.get("NetworkMode") or "")
    primary = "bridge" if mode in _DEFAULT_NETWORK_MODES else mode
    networks = (container.get("NetworkSettings") or {}).get("Networks") or {}
    endpoints = (
        {name: _endpoint(data, short) for name, data in networks.items()}
        if mode not in _UNATTACHED_MODES and not mode.startswith("container:")
        else {}
    )
    bound = {_bind_target(b) for b in host.get("Binds") or []}
    bound |= {str(m.get("Target")) for m in host.get("Mounts") or []}
    anonymous = {
        str(m.get("Destination")): (str(m.get("Name")), bool(m.get("RW", True)))
        for m in container.get("Mounts") or []
        if m.get("Type") == "volume" and m.get("Destination") not in bound
    }
    return Blueprint(
        source_id=str(container.get("Id", "")),
        name=str(container.get("Name") or "").lstrip("/"),
        config=config,
        endpoints=endpoints,
        primary=primary if primary in endpoints else "",
        anonymous=anonymous,
        spec=from_inspect(container, image),
        image_config=dict((image or {}).get("Config") or {}),
    )


def _links(links: object) -> list[str] | None:
    """Inspect writes links as "/db:/web/db"; a create request wants "db:db"."""
    if not isinstance(links, list) or not links:
        return None
    found = []
    for link in links:
        target, _, alias = str(link).partition(":")
        found.append(f"{target.lstrip('/')}:{alias.rsplit('/', 1)[-1] or target.lstrip('/')}")
    return found


def _endpoint(data: Mapping[str, Any], short: str) -> dict[str, Any]:
    """What a network endpoint was asked for: aliases (without the engine's own, the
    container's short ID), fixed addresses, links and driver options."""
    aliases = [a for a in data.get("Aliases") or [] if a != short]
    found: dict[str, Any] = {}
    if aliases:
        found["Aliases"] = aliases
    ipam = {k: v for k, v in (data.get("IPAMConfig") or {}).items() if v}
    if ipam:
        found["IPAMConfig"] = ipam
    if data.get("Links"):
        found["Links"] = list(data["Links"])
    if data.get("DriverOpts"):
        found["DriverOpts"] = dict(data["DriverOpts"])
    return found


def _bind_target(bind: str) -> str:
    parts = bind.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


# --- the create request ---------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRequest:
    """The body of POST /containers/create, its name, and the networks to connect after."""

    name: str
    body: dict[str, Any]
    connect: dict[str, dict[str, Any]]
    notes: tuple[str, ...] = ()
    primary: str = ""

    def commands(self, image_config: Mapping[str, Any] | None = None) -> RunCommands:
        """The docker commands that make the same container."""
        first = (self.body.get("NetworkingConfig") or {}).get("EndpointsConfig") or {}
        return run_commands(
            self.body, self.name, image_config, {**first, **self.connect}, self.primary
        )


def create_request(
    blueprint: Blueprint,
    edited: RunSpec,
    *,
    keep_anonymous: bool,
    drop_compose: bool = False,
    baseline: RunSpec | None = None,
    removed: Sequence[Setting] = (),
) -> CreateRequest:
    """What creates the container again with the user's edits: every field the user did not
    change stays as the engine reported it. `keep_anonymous` mounts the original's anonymous
    volumes again (Recreate keeps their data; Duplicate gets fresh ones, as `docker run`
    would); `drop_compose` leaves out the Compose labels (a duplicate is no service).
    `baseline` is what the untouched dialog gives back for this container (its fields round
    some things, such as -t alone becoming -it): only what differs from it is an edit.
    `removed` are other options (see `other_options`) the user took away."""
    before = baseline or blueprint.spec
    body = copy.deepcopy(dict(blueprint.config))
    host: dict[str, Any] = body["HostConfig"]
    notes: list[str] = []
    endpoints = {k: dict(v) for k, v in blueprint.endpoints.items()}
    primary = blueprint.primary

    if edited.image != before.image:
        body["Image"] = edited.image
    if (edited.entrypoint, edited.command) != (before.entrypoint, before.command):
        if edited.entrypoint != before.entrypoint:
            body["Entrypoint"] = (
                None if edited.entrypoint is None else [edited.entrypoint] if edited.entrypoint
                else [""]
            )  # fmt: skip
        body["Cmd"] = list(edited.command) or (
            None if edited.entrypoint is not None or body.get("Entrypoint") is None
            else blueprint.image_config.get("Cmd")
        )  # fmt: skip
    if edited.interactive != before.interactive:
        body["OpenStdin"] = body["AttachStdin"] = edited.interactive
        body["StdinOnce"] = False
    if edited.tty != before.tty:
        body["Tty"] = edited.tty
    if edited.env != before.env:
        body["Env"] = _merge_pairs(
            [parse_env(e) for e in body.get("Env") or []], before.env, edited.env
        )
        body["Env"] = [f"{k}={v}" for k, v in body["Env"]]
    if edited.labels != before.labels:
        labels = dict(body.get("Labels") or {})
        for key, _ in before.labels:
            labels.pop(key, None)
        labels.update(dict(edited.labels))
        body["Labels"] = labels
    if drop_compose:
        labels = {k: v for k, v in (body.get("Labels") or {}).items()
                  if not k.startswith(COMPOSE_PREFIX)}  # fmt: skip
        if labels != (body.get("Labels") or {}):
            notes.append("Left out the Compose labels: the copy is not part of the project.")
        body["Labels"] = labels
    if edited.ports != before.ports:
        bindings: dict[str, list[dict[str, str]]] = {}
        for port in edited.ports:
            for key, hosts in port.bindings().items():
                for ip, number in hosts:
                    bindings.setdefault(key, []).append({"HostIp": ip, "HostPort": number})
        host["PortBindings"] = bindings
        exposed = dict(body.get("ExposedPorts") or {})
        exposed.update({key: {} for key in bindings})
        body["ExposedPorts"] = exposed
    if edited.publish_all != before.publish_all:
        host["PublishAllPorts"] = edited.publish_all
    if edited.mounts != before.mounts:
        old_binds = {m.bind for m in before.mounts if m.bind}
        new_binds = [m.bind for m in edited.mounts if m.bind]
        kept = [b for b in host.get("Binds") or [] if b not in old_binds]
        host["Binds"] = kept + [b for b in new_binds if b not in kept] or None
        volumes = dict(body.get("Volumes") or {})
        for m in before.mounts:
            if m.kind == "anonymous":
                volumes.pop(m.target, None)
        volumes.update({m.target: {} for m in edited.mounts if m.kind == "anonymous"})
        body["Volumes"] = volumes or None
    if edited.restart != before.restart:
        host["RestartPolicy"] = {
            "Name": edited.restart.name, "MaximumRetryCount": edited.restart.max_retries,
        }  # fmt: skip
    if edited.auto_remove != before.auto_remove:
        host["AutoRemove"] = edited.auto_remove
    if edited.workdir != before.workdir:
        body["WorkingDir"] = edited.workdir
    if edited.user != before.user:
        body["User"] = edited.user
    if edited.memory != before.memory:
        host["Memory"] = edited.memory or 0
    if edited.cpus != before.cpus:
        host["NanoCpus"] = round(edited.cpus * 1e9) if edited.cpus else 0
    if edited.network != before.network:
        mode = edited.network or "bridge"
        host["NetworkMode"] = edited.network or "default"
        endpoints.pop(primary, None)
        primary = "" if mode in _UNATTACHED_MODES else mode
        endpoints = {primary: {}, **endpoints} if primary else {}

    if keep_anonymous and blueprint.anonymous:
        # Recreate: the paths still mounted from an anonymous volume get the same volume.
        binds = list(host.get("Binds") or [])
        taken = {_bind_target(b) for b in binds} | {
            str(m.get("Target")) for m in host.get("Mounts") or []
        }
        wanted = body.get("Volumes") or {}
        for target, (volume, rw) in blueprint.anonymous.items():
            if target in wanted and target not in taken:
                binds.append(f"{volume}:{target}" + ("" if rw else ":ro"))
        host["Binds"] = binds or None

    for setting in removed:
        _remove(body, endpoints, primary, setting)

    first = {primary: endpoints.pop(primary)} if primary in endpoints else {}
    body["NetworkingConfig"] = {"EndpointsConfig": first} if first else None
    return CreateRequest(edited.name, body, endpoints, tuple(notes), primary if first else "")


#: The options the Run dialog has fields for; every other one is listed apart in it.
MODELLED = frozenset({
    "--name", "-i", "-t", "--rm", "--user", "--workdir", "--env", "--label", "--restart",
    "--network", "--publish", "--publish-all", "--volume", "--memory", "--cpus",
    "--entrypoint",
})  # fmt: skip


def other_options(blueprint: Blueprint) -> list[Setting]:
    """The settings of a container that the Run dialog has no field for, as docker run
    options (a health check's options together), so that the user sees them kept and can
    take any away."""
    commands = create_request(blueprint, blueprint.spec, keep_anonymous=False).commands(
        blueprint.image_config
    )
    found: list[Setting] = []
    for setting in commands.settings:
        if setting.option in MODELLED:  # anonymous volumes (-v /path) too
            continue
        if found and found[-1].key == setting.key == "Config.Healthcheck":
            found[-1] = Setting(found[-1].words + setting.words, setting.key)
            continue
        found.append(setting)
    return found


def _remove(
    body: dict[str, Any], endpoints: dict[str, dict[str, Any]], primary: str, setting: Setting
) -> None:
    """Take one setting out of a create body (back to the engine's default)."""
    section, _, key = setting.key.partition(".")
    if section == "Networks":
        endpoints.pop(str(setting.item), None)
        return
    if section == "Endpoint":
        endpoint = endpoints.get(primary)
        if endpoint is None:
            return
        if key == "Aliases":
            endpoint["Aliases"] = [a for a in endpoint.get("Aliases") or [] if a != setting.item]
        else:
            (endpoint.get("IPAMConfig") or {}).pop(key, None)
        return
    where: dict[str, Any] = body if section == "Config" else body["HostConfig"]
    *parents, last = key.split(".")
    for parent in parents:
        where = where.setdefault(parent, {}) or {}
    value = where.get(last)
    item = setting.item
    if isinstance(value, list):
        where[last] = [v for v in value if not _is_item(v, item)] or None
    elif isinstance(value, dict) and item is not None:
        value.pop(item, None)
    elif last == "StopTimeout" or isinstance(value, bool):
        where[last] = None if last == "StopTimeout" else False
    elif isinstance(value, int | float):
        where[last] = 0
    else:
        where[last] = None if not isinstance(value, str) else ""


def _is_item(value: Any, item: Any) -> bool:
    if isinstance(value, dict):  # a mount, a ulimit, a device: named by their target
        return item in (value.get("Target"), value.get("Name"), value.get("PathOnHost"))
    return bool(value == item)


def docker_run_text(blueprint: Blueprint) -> str:
    """The docker commands that make a container like this one, ready to paste: the
    `docker run`, the follow-ups it needs (other networks), and comments for what no
    command says."""
    request = create_request(blueprint, blueprint.spec, keep_anonymous=False)
    return replace(request, name=blueprint.name).commands(blueprint.image_config).text()


def _merge_pairs(
    current: Sequence[tuple[str, str]],
    before: Sequence[tuple[str, str]],
    after: Sequence[tuple[str, str]],
) -> list[tuple[str, str]]:
    """`current` with what the user removed taken out and what they added or changed put
    in, keeping the order of what stays."""
    removed = {k for k, _ in before} - {k for k, _ in after}
    wanted = dict(after)
    out = []
    for key, value in current:
        if key in removed:
            continue
        out.append((key, wanted.pop(key, value)))
    out += list(wanted.items())
    return out
