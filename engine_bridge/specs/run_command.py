"""The `docker run` command that makes a container from a whole configuration (a create
body: Config's fields with HostConfig inside), with the commands that must follow it where
`docker run` cannot say everything (a second network), and a comment for each setting no
docker command can give. Pure: no I/O.

Values the image itself gives (its environment, labels, command, working directory, user,
health check, stop signal, volumes, exposed ports) are left out, as the engine fills them
in again from the image.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_DEFAULT_SHM = 64 * 1024 * 1024
_SAME = object()

#: Where each option's value lives in a create body ("Config." or "HostConfig." first).
KEYS = {
    "--name": "Name", "-i": "Config.OpenStdin", "-t": "Config.Tty",
    "--rm": "HostConfig.AutoRemove", "--hostname": "Config.Hostname",
    "--domainname": "Config.Domainname", "--user": "Config.User",
    "--workdir": "Config.WorkingDir", "--env": "Config.Env", "--label": "Config.Labels",
    "--restart": "HostConfig.RestartPolicy", "--network": "HostConfig.NetworkMode",
    "--network-alias": "Endpoint.Aliases", "--ip": "Endpoint.IPv4Address",
    "--ip6": "Endpoint.IPv6Address", "--link": "HostConfig.Links",
    "--mac-address": "Config.MacAddress", "--add-host": "HostConfig.ExtraHosts",
    "--dns": "HostConfig.Dns", "--dns-option": "HostConfig.DnsOptions",
    "--dns-search": "HostConfig.DnsSearch", "--publish": "HostConfig.PortBindings",
    "--publish-all": "HostConfig.PublishAllPorts", "--expose": "Config.ExposedPorts",
    "--volume": "HostConfig.Binds", "--mount": "HostConfig.Mounts",
    "--tmpfs": "HostConfig.Tmpfs", "--volumes-from": "HostConfig.VolumesFrom",
    "--volume-driver": "HostConfig.VolumeDriver", "--read-only": "HostConfig.ReadonlyRootfs",
    "--storage-opt": "HostConfig.StorageOpt", "--shm-size": "HostConfig.ShmSize",
    "--privileged": "HostConfig.Privileged", "--cap-add": "HostConfig.CapAdd",
    "--cap-drop": "HostConfig.CapDrop", "--security-opt": "HostConfig.SecurityOpt",
    "--group-add": "HostConfig.GroupAdd", "--sysctl": "HostConfig.Sysctls",
    "--device": "HostConfig.Devices", "--ipc": "HostConfig.IpcMode",
    "--pid": "HostConfig.PidMode", "--uts": "HostConfig.UTSMode",
    "--userns": "HostConfig.UsernsMode", "--cgroupns": "HostConfig.CgroupnsMode",
    "--runtime": "HostConfig.Runtime", "--init": "HostConfig.Init",
    "--oom-kill-disable": "HostConfig.OomKillDisable",
    "--oom-score-adj": "HostConfig.OomScoreAdj", "--memory": "HostConfig.Memory",
    "--memory-swap": "HostConfig.MemorySwap",
    "--memory-reservation": "HostConfig.MemoryReservation", "--cpus": "HostConfig.NanoCpus",
    "--cpu-shares": "HostConfig.CpuShares", "--cpu-period": "HostConfig.CpuPeriod",
    "--cpu-quota": "HostConfig.CpuQuota", "--cpuset-cpus": "HostConfig.CpusetCpus",
    "--cpuset-mems": "HostConfig.CpusetMems", "--pids-limit": "HostConfig.PidsLimit",
    "--blkio-weight": "HostConfig.BlkioWeight", "--ulimit": "HostConfig.Ulimits",
    "--log-driver": "HostConfig.LogConfig.Type", "--log-opt": "HostConfig.LogConfig.Config",
    "--stop-signal": "Config.StopSignal", "--stop-timeout": "Config.StopTimeout",
    "--health-cmd": "Config.Healthcheck", "--health-interval": "Config.Healthcheck",
    "--health-timeout": "Config.Healthcheck", "--health-start-period": "Config.Healthcheck",
    "--health-retries": "Config.Healthcheck", "--no-healthcheck": "Config.Healthcheck",
    "--entrypoint": "Config.Entrypoint",
}  # fmt: skip
_NANOS = 1_000_000_000


@dataclass(frozen=True)
class Setting:
    """One setting as the command gives it: its words ("--cap-add NET_ADMIN"), and where it
    lives in the configuration: `key` ("HostConfig.CapAdd"), and `item` (the entry of a list
    or the key of a mapping; None for a value of its own)."""

    words: tuple[str, ...]
    key: str
    item: Any = None

    @property
    def option(self) -> str:
        return self.words[0]

    def __str__(self) -> str:
        return shlex.join(self.words)


@dataclass(frozen=True)
class RunCommands:
    """`run` is the docker run argv; `then` the commands to run after it; `comments` what
    no command can express; `settings` each option given, with where it lives."""

    run: tuple[str, ...]
    then: tuple[tuple[str, ...], ...] = ()
    comments: tuple[str, ...] = field(default_factory=tuple)
    settings: tuple[Setting, ...] = ()

    def text(self) -> str:
        """The whole, ready to paste into a POSIX shell."""
        lines = [f"# {c}" for c in self.comments] + [shlex.join(self.run)]
        lines += [shlex.join(step) for step in self.then]
        return "\n".join(lines)


def _duration(nanos: int) -> str:
    seconds = nanos / _NANOS
    if seconds >= 1 and seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{int(nanos / 1_000_000)}ms"


def _bytes(value: int) -> str:
    for unit, size in (("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)):
        if value % size == 0:
            return f"{value // size}{unit}"
    return f"{value}b"


def _mount_flag(mount: Mapping[str, Any]) -> str:
    parts = [f"type={mount.get('Type', 'volume')}"]
    if mount.get("Source"):
        parts.append(f"source={mount['Source']}")
    parts.append(f"target={mount.get('Target', '')}")
    if mount.get("ReadOnly"):
        parts.append("readonly")
    bind = mount.get("BindOptions") or {}
    if bind.get("Propagation"):
        parts.append(f"bind-propagation={bind['Propagation']}")
    volume = mount.get("VolumeOptions") or {}
    if volume.get("NoCopy"):
        parts.append("volume-nocopy")
    for key, value in (volume.get("Labels") or {}).items():
        parts.append(f"volume-label={key}={value}")
    driver = volume.get("DriverConfig") or {}
    if driver.get("Name"):
        parts.append(f"volume-driver={driver['Name']}")
    for key, value in (driver.get("Options") or {}).items():
        parts.append(f"volume-opt={key}={value}")
    tmpfs = mount.get("TmpfsOptions") or {}
    if tmpfs.get("SizeBytes"):
        parts.append(f"tmpfs-size={tmpfs['SizeBytes']}")
    if tmpfs.get("Mode"):
        parts.append(f"tmpfs-mode={tmpfs['Mode']:o}")
    return ",".join(parts)


def run_commands(
    body: Mapping[str, Any],
    name: str,
    image_config: Mapping[str, Any] | None = None,
    networks: Mapping[str, Mapping[str, Any]] | None = None,
    primary: str = "",
) -> RunCommands:
    """The commands that make a container from `body`; `networks` are its endpoints by
    network (`primary` is the one `docker run --network` joins)."""
    image = dict(image_config or {})
    host: Mapping[str, Any] = body.get("HostConfig") or {}
    out: list[str] = ["docker", "run", "-d"]
    comments: list[str] = []

    settings: list[Setting] = []

    def flag(option: str, value: object = None, item: object = _SAME) -> None:
        words = (option,) if value is None else (option, str(value))
        out.extend(words)
        key = KEYS.get(option)
        if key is not None:
            settings.append(Setting(words, key, value if item is _SAME else item))

    if name:
        flag("--name", name, item=None)
    if body.get("OpenStdin"):
        flag("-i", item=None)
    if body.get("Tty"):
        flag("-t", item=None)
    if host.get("AutoRemove"):
        flag("--rm", item=None)
    if body.get("Hostname"):
        flag("--hostname", body["Hostname"], item=None)
    if body.get("Domainname"):
        flag("--domainname", body["Domainname"], item=None)
    if body.get("User") and body.get("User") != image.get("User"):
        flag("--user", body["User"], item=None)
    if body.get("WorkingDir") and body.get("WorkingDir") != image.get("WorkingDir"):
        flag("--workdir", body["WorkingDir"], item=None)
    image_env = set(image.get("Env") or [])
    for entry in body.get("Env") or []:
        if entry not in image_env:
            flag("--env", entry)
    image_labels = image.get("Labels") or {}
    for key, value in sorted((body.get("Labels") or {}).items()):
        if image_labels.get(key) != value:
            flag("--label", f"{key}={value}", item=key)
    policy = host.get("RestartPolicy") or {}
    if policy.get("Name") and policy["Name"] != "no":
        retries = int(policy.get("MaximumRetryCount") or 0)
        flag("--restart", f"{policy['Name']}:{retries}" if retries else policy["Name"], item=None)

    # Network.
    mode = str(host.get("NetworkMode") or "default")
    endpoints = dict(networks or {})
    if mode not in ("default", "bridge"):
        flag("--network", mode, item=None)
    first = endpoints.pop(primary, {}) if primary else {}
    for alias in first.get("Aliases") or []:
        flag("--network-alias", alias)
    ipam = first.get("IPAMConfig") or {}
    if ipam.get("IPv4Address"):
        flag("--ip", ipam["IPv4Address"], item=None)
    if ipam.get("IPv6Address"):
        flag("--ip6", ipam["IPv6Address"], item=None)
    for link in first.get("Links") or host.get("Links") or []:
        flag("--link", link)
    if body.get("MacAddress"):
        flag("--mac-address", body["MacAddress"], item=None)
    for entry in host.get("ExtraHosts") or []:
        flag("--add-host", entry)
    for server in host.get("Dns") or []:
        flag("--dns", server)
    for option in host.get("DnsOptions") or []:
        flag("--dns-option", option)
    for domain in host.get("DnsSearch") or []:
        flag("--dns-search", domain)

    # Ports.
    for key, bindings in sorted((host.get("PortBindings") or {}).items()):
        for binding in bindings or [{}]:
            ip, port = binding.get("HostIp") or "", binding.get("HostPort") or ""
            published = f"{ip}:{port}:{key}" if ip else f"{port}:{key}" if port else key
            flag("--publish", published.removesuffix("/tcp"), item=key)
    if host.get("PublishAllPorts"):
        flag("--publish-all", item=None)
    image_exposed = image.get("ExposedPorts") or {}
    published = host.get("PortBindings") or {}
    for key in sorted(body.get("ExposedPorts") or {}):
        if key not in image_exposed and key not in published:
            flag("--expose", key.removesuffix("/tcp"), item=key)

    # Storage.
    bound = set()
    for bind in host.get("Binds") or []:
        flag("--volume", bind)
        parts = bind.split(":")
        bound.add(parts[1] if len(parts) > 1 else parts[0])
    for mount in host.get("Mounts") or []:
        flag("--mount", _mount_flag(mount), item=str(mount.get("Target")))
        bound.add(str(mount.get("Target")))
    image_volumes = image.get("Volumes") or {}
    for path in sorted(body.get("Volumes") or {}):
        if path not in bound and path not in image_volumes:
            flag("--volume", path, item=path)
            settings[-1] = Setting(("--volume", path), "Config.Volumes", path)
    for path, options in sorted((host.get("Tmpfs") or {}).items()):
        flag("--tmpfs", f"{path}:{options}" if options else path, item=path)
    for source in host.get("VolumesFrom") or []:
        flag("--volumes-from", source)
    if host.get("VolumeDriver"):
        flag("--volume-driver", host["VolumeDriver"], item=None)
    if host.get("ReadonlyRootfs"):
        flag("--read-only", item=None)
    for key, value in sorted((host.get("StorageOpt") or {}).items()):
        flag("--storage-opt", f"{key}={value}", item=key)
    if host.get("ShmSize") and int(host["ShmSize"]) != _DEFAULT_SHM:
        flag("--shm-size", _bytes(int(host["ShmSize"])), item=None)

    # Security and the kernel.
    if host.get("Privileged"):
        flag("--privileged", item=None)
    for capability in host.get("CapAdd") or []:
        flag("--cap-add", capability)
    for capability in host.get("CapDrop") or []:
        flag("--cap-drop", capability)
    for option in host.get("SecurityOpt") or []:
        flag("--security-opt", option)
    for group in host.get("GroupAdd") or []:
        flag("--group-add", group)
    for key, value in sorted((host.get("Sysctls") or {}).items()):
        flag("--sysctl", f"{key}={value}", item=key)
    for device in host.get("Devices") or []:
        path = device.get("PathOnHost", "")
        inside = device.get("PathInContainer") or path
        perms = device.get("CgroupPermissions") or "rwm"
        flag("--device", f"{path}:{inside}" + (f":{perms}" if perms != "rwm" else ""), item=path)
    for name_, key in (("--ipc", "IpcMode"), ("--pid", "PidMode"), ("--uts", "UTSMode"),
                       ("--userns", "UsernsMode"), ("--cgroupns", "CgroupnsMode")):  # fmt: skip
        value = host.get(key)
        if value and value not in ("private", "shareable", "host" if key == "CgroupnsMode" else ""):
            flag(name_, value, item=None)
    if host.get("Runtime") and host["Runtime"] != "runc":
        flag("--runtime", host["Runtime"], item=None)
    if host.get("Init"):
        flag("--init", item=None)
    if host.get("OomKillDisable"):
        flag("--oom-kill-disable", item=None)
    if host.get("OomScoreAdj"):
        flag("--oom-score-adj", host["OomScoreAdj"], item=None)

    # Resources.
    if host.get("Memory"):
        flag("--memory", _bytes(int(host["Memory"])), item=None)
    if host.get("MemorySwap"):
        swap = int(host["MemorySwap"])
        flag("--memory-swap", "-1" if swap < 0 else _bytes(swap), item=None)
    if host.get("MemoryReservation"):
        flag("--memory-reservation", _bytes(int(host["MemoryReservation"])), item=None)
    if host.get("NanoCpus"):
        flag("--cpus", f"{int(host['NanoCpus']) / _NANOS:g}", item=None)
    if host.get("CpuShares"):
        flag("--cpu-shares", host["CpuShares"], item=None)
    if host.get("CpuPeriod"):
        flag("--cpu-period", host["CpuPeriod"], item=None)
    if host.get("CpuQuota"):
        flag("--cpu-quota", host["CpuQuota"], item=None)
    if host.get("CpusetCpus"):
        flag("--cpuset-cpus", host["CpusetCpus"], item=None)
    if host.get("CpusetMems"):
        flag("--cpuset-mems", host["CpusetMems"], item=None)
    if host.get("PidsLimit"):
        flag("--pids-limit", host["PidsLimit"], item=None)
    if host.get("BlkioWeight"):
        flag("--blkio-weight", host["BlkioWeight"], item=None)
    for limit in host.get("Ulimits") or []:
        soft, hard = limit.get("Soft"), limit.get("Hard")
        flag("--ulimit", f"{limit.get('Name')}={soft}" + (f":{hard}" if hard != soft else ""),
             item=limit.get("Name"))  # fmt: skip

    # Logging, stopping, health.
    log = host.get("LogConfig") or {}
    if log.get("Type") and log["Type"] != "json-file":
        flag("--log-driver", log["Type"], item=None)
    for key, value in sorted((log.get("Config") or {}).items()):
        flag("--log-opt", f"{key}={value}", item=key)
    if body.get("StopSignal") and body.get("StopSignal") != image.get("StopSignal"):
        flag("--stop-signal", body["StopSignal"], item=None)
    if body.get("StopTimeout") is not None:
        flag("--stop-timeout", body["StopTimeout"], item=None)
    health = body.get("Healthcheck") or {}
    if health and health != (image.get("Healthcheck") or {}):
        test = list(health.get("Test") or [])
        if test[:1] == ["NONE"]:
            flag("--no-healthcheck", item=None)
        elif test:
            command = test[1] if test[0] == "CMD-SHELL" and len(test) == 2 else shlex.join(test[1:])
            if test[0] == "CMD":
                comments.append("The health check ran its command without a shell; "
                                "--health-cmd runs it with one.")  # fmt: skip
            flag("--health-cmd", command, item=None)
        for option, key in (("--health-interval", "Interval"), ("--health-timeout", "Timeout"),
                            ("--health-start-period", "StartPeriod")):  # fmt: skip
            if health.get(key):
                flag(option, _duration(int(health[key])), item=None)
        if health.get("Retries"):
            flag("--health-retries", health["Retries"], item=None)

    # The program.
    entrypoint = body.get("Entrypoint")
    command = list(body.get("Cmd") or [])
    if entrypoint is not None and list(entrypoint) != list(image.get("Entrypoint") or []):
        words = list(entrypoint) or [""]
        flag("--entrypoint", words[0], item=None)
        command = words[1:] + command
    elif command == list(image.get("Cmd") or []):
        command = []
    out.append(str(body.get("Image") or ""))
    out.extend(command)

    then: list[tuple[str, ...]] = []
    for network, endpoint in endpoints.items():
        step = ["docker", "network", "connect"]
        for alias in endpoint.get("Aliases") or []:
            step += ["--alias", alias]
        extra_ipam = endpoint.get("IPAMConfig") or {}
        if extra_ipam.get("IPv4Address"):
            step += ["--ip", extra_ipam["IPv4Address"]]
        if extra_ipam.get("IPv6Address"):
            step += ["--ip6", extra_ipam["IPv6Address"]]
        for link in endpoint.get("Links") or []:
            step += ["--link", link]
        for key, value in (endpoint.get("DriverOpts") or {}).items():
            step += ["--driver-opt", f"{key}={value}"]
        then.append((*step, network, name or "<container>"))
    if then:
        comments.append("docker run joins one network; the commands after it join the others "
                        "(the container starts before they are joined).")  # fmt: skip
    for network, connect in zip(endpoints, then, strict=True):
        settings.append(Setting(connect[:-1], "Networks", network))
    return RunCommands(tuple(out), tuple(then), tuple(comments), tuple(settings))
