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
_NANOS = 1_000_000_000


@dataclass(frozen=True)
class RunCommands:
    """`run` is the docker run argv; `then` the commands to run after it; `comments` what
    no command can express."""

    run: tuple[str, ...]
    then: tuple[tuple[str, ...], ...] = ()
    comments: tuple[str, ...] = field(default_factory=tuple)

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

    def flag(option: str, value: object) -> None:
        out.extend((option, str(value)))

    if name:
        flag("--name", name)
    if body.get("OpenStdin"):
        out.append("-i")
    if body.get("Tty"):
        out.append("-t")
    if host.get("AutoRemove"):
        out.append("--rm")
    if body.get("Hostname"):
        flag("--hostname", body["Hostname"])
    if body.get("Domainname"):
        flag("--domainname", body["Domainname"])
    if body.get("User") and body.get("User") != image.get("User"):
        flag("--user", body["User"])
    if body.get("WorkingDir") and body.get("WorkingDir") != image.get("WorkingDir"):
        flag("--workdir", body["WorkingDir"])
    image_env = set(image.get("Env") or [])
    for entry in body.get("Env") or []:
        if entry not in image_env:
            flag("--env", entry)
    image_labels = image.get("Labels") or {}
    for key, value in sorted((body.get("Labels") or {}).items()):
        if image_labels.get(key) != value:
            flag("--label", f"{key}={value}")
    policy = host.get("RestartPolicy") or {}
    if policy.get("Name") and policy["Name"] != "no":
        retries = int(policy.get("MaximumRetryCount") or 0)
        flag("--restart", f"{policy['Name']}:{retries}" if retries else policy["Name"])

    # Network.
    mode = str(host.get("NetworkMode") or "default")
    endpoints = dict(networks or {})
    if mode not in ("default", "bridge"):
        flag("--network", mode)
    first = endpoints.pop(primary, {}) if primary else {}
    for alias in first.get("Aliases") or []:
        flag("--network-alias", alias)
    ipam = first.get("IPAMConfig") or {}
    if ipam.get("IPv4Address"):
        flag("--ip", ipam["IPv4Address"])
    if ipam.get("IPv6Address"):
        flag("--ip6", ipam["IPv6Address"])
    for link in first.get("Links") or host.get("Links") or []:
        flag("--link", link)
    if body.get("MacAddress"):
        flag("--mac-address", body["MacAddress"])
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
            flag("--publish", published.removesuffix("/tcp"))
    if host.get("PublishAllPorts"):
        out.append("--publish-all")
    image_exposed = image.get("ExposedPorts") or {}
    published = host.get("PortBindings") or {}
    for key in sorted(body.get("ExposedPorts") or {}):
        if key not in image_exposed and key not in published:
            flag("--expose", key.removesuffix("/tcp"))

    # Storage.
    bound = set()
    for bind in host.get("Binds") or []:
        flag("--volume", bind)
        parts = bind.split(":")
        bound.add(parts[1] if len(parts) > 1 else parts[0])
    for mount in host.get("Mounts") or []:
        flag("--mount", _mount_flag(mount))
        bound.add(str(mount.get("Target")))
    image_volumes = image.get("Volumes") or {}
    for path in sorted(body.get("Volumes") or {}):
        if path not in bound and path not in image_volumes:
            flag("--volume", path)
    for path, options in sorted((host.get("Tmpfs") or {}).items()):
        flag("--tmpfs", f"{path}:{options}" if options else path)
    for source in host.get("VolumesFrom") or []:
        flag("--volumes-from", source)
    if host.get("VolumeDriver"):
        flag("--volume-driver", host["VolumeDriver"])
    if host.get("ReadonlyRootfs"):
        out.append("--read-only")
    for key, value in sorted((host.get("StorageOpt") or {}).items()):
        flag("--storage-opt", f"{key}={value}")
    if host.get("ShmSize") and int(host["ShmSize"]) != _DEFAULT_SHM:
        flag("--shm-size", _bytes(int(host["ShmSize"])))

    # Security and the kernel.
    if host.get("Privileged"):
        out.append("--privileged")
    for capability in host.get("CapAdd") or []:
        flag("--cap-add", capability)
    for capability in host.get("CapDrop") or []:
        flag("--cap-drop", capability)
    for option in host.get("SecurityOpt") or []:
        flag("--security-opt", option)
    for group in host.get("GroupAdd") or []:
        flag("--group-add", group)
    for key, value in sorted((host.get("Sysctls") or {}).items()):
        flag("--sysctl", f"{key}={value}")
    for device in host.get("Devices") or []:
        path = device.get("PathOnHost", "")
        inside = device.get("PathInContainer") or path
        perms = device.get("CgroupPermissions") or "rwm"
        flag("--device", f"{path}:{inside}" + (f":{perms}" if perms != "rwm" else ""))
    for name_, key in (("--ipc", "IpcMode"), ("--pid", "PidMode"), ("--uts", "UTSMode"),
                       ("--userns", "UsernsMode"), ("--cgroupns", "CgroupnsMode")):  # fmt: skip
        value = host.get(key)
        if value and value not in ("private", "shareable", "host" if key == "CgroupnsMode" else ""):
            flag(name_, value)
    if host.get("Runtime") and host["Runtime"] != "runc":
        flag("--runtime", host["Runtime"])
    if host.get("Init"):
        out.append("--init")
    if host.get("OomKillDisable"):
        out.append("--oom-kill-disable")
    if host.get("OomScoreAdj"):
        flag("--oom-score-adj", host["OomScoreAdj"])

    # Resources.
    if host.get("Memory"):
        flag("--memory", _bytes(int(host["Memory"])))
    if host.get("MemorySwap"):
        swap = int(host["MemorySwap"])
        flag("--memory-swap", "-1" if swap < 0 else _bytes(swap))
    if host.get("MemoryReservation"):
        flag("--memory-reservation", _bytes(int(host["MemoryReservation"])))
    if host.get("NanoCpus"):
        flag("--cpus", f"{int(host['NanoCpus']) / _NANOS:g}")
    if host.get("CpuShares"):
        flag("--cpu-shares", host["CpuShares"])
    if host.get("CpuPeriod"):
        flag("--cpu-period", host["CpuPeriod"])
    if host.get("CpuQuota"):
        flag("--cpu-quota", host["CpuQuota"])
    if host.get("CpusetCpus"):
        flag("--cpuset-cpus", host["CpusetCpus"])
    if host.get("CpusetMems"):
        flag("--cpuset-mems", host["CpusetMems"])
    if host.get("PidsLimit"):
        flag("--pids-limit", host["PidsLimit"])
    if host.get("BlkioWeight"):
        flag("--blkio-weight", host["BlkioWeight"])
    for limit in host.get("Ulimits") or []:
        soft, hard = limit.get("Soft"), limit.get("Hard")
        flag("--ulimit", f"{limit.get('Name')}={soft}" + (f":{hard}" if hard != soft else ""))

    # Logging, stopping, health.
    log = host.get("LogConfig") or {}
    if log.get("Type") and log["Type"] != "json-file":
        flag("--log-driver", log["Type"])
    for key, value in sorted((log.get("Config") or {}).items()):
        flag("--log-opt", f"{key}={value}")
    if body.get("StopSignal") and body.get("StopSignal") != image.get("StopSignal"):
        flag("--stop-signal", body["StopSignal"])
    if body.get("StopTimeout") is not None:
        flag("--stop-timeout", body["StopTimeout"])
    health = body.get("Healthcheck") or {}
    if health and health != (image.get("Healthcheck") or {}):
        test = list(health.get("Test") or [])
        if test[:1] == ["NONE"]:
            out.append("--no-healthcheck")
        elif test:
            command = test[1] if test[0] == "CMD-SHELL" and len(test) == 2 else shlex.join(test[1:])
            if test[0] == "CMD":
                comments.append("The health check ran its command without a shell; "
                                "--health-cmd runs it with one.")  # fmt: skip
            flag("--health-cmd", command)
        for option, key in (("--health-interval", "Interval"), ("--health-timeout", "Timeout"),
                            ("--health-start-period", "StartPeriod")):  # fmt: skip
            if health.get(key):
                flag(option, _duration(int(health[key])))
        if health.get("Retries"):
            flag("--health-retries", health["Retries"])

    # The program.
    entrypoint = body.get("Entrypoint")
    command = list(body.get("Cmd") or [])
    if entrypoint is not None and list(entrypoint) != list(image.get("Entrypoint") or []):
        words = list(entrypoint) or [""]
        flag("--entrypoint", words[0])
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
    return RunCommands(tuple(out), tuple(then), tuple(comments))
