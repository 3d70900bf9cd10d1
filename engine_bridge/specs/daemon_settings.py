"""The engine settings a user can change for an engine Dockyard runs itself: the common keys
of dockerd's configuration file (daemon.json) as a form, and the whole file as JSON, both
checked before anything is saved; which changes the engine takes live (on a reload signal)
and which need a restart.

Pure: reading and writing the file, and telling the engine, are the engine provider's.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    live: bool  # the engine takes it on a reload signal; otherwise it needs a restart
    about: str


#: The keys the form shows, in its order.
SETTINGS = (
    Setting("registry-mirrors", "Registry mirrors", True,
            "Registries the engine asks first for images from Docker Hub, one address per "
            "line. A mirror near you, or one that caches, makes pulls faster."),
    Setting("insecure-registries", "Insecure registries", True,
            "Registries the engine may reach over plain HTTP or with a certificate it cannot "
            "check, one host:port or network (CIDR) per line. Only for registries you trust."),
    Setting("log-driver", "Log driver", False,
            "Where new containers' output goes. json-file and local keep it on this engine "
            "so that logs can be read back; the others send it elsewhere."),
    Setting("log-opts", "Log options", False,
            "Options for the log driver, one name=value per line, e.g. max-size=10m and "
            "max-file=3 to keep each container's log small."),
    Setting("default-address-pools", "Default address pools", False,
            "The address ranges new networks get their subnets from, one per line as "
            "base-network size, e.g. 10.201.0.0/16 24 for 256 networks of 254 addresses."),
    Setting("live-restore", "Keep containers running while the engine restarts", True,
            "With live restore, containers go on running when the engine stops or "
            "restarts, and the engine takes them back when it returns."),
    Setting("debug", "Debug logging", True,
            "The engine writes much more to its log: for finding out what goes wrong."),
    Setting("features", "Features", True,
            "Optional engine features switched on or off, e.g. buildkit."),
)  # fmt: skip

BY_KEY = {s.key: s for s in SETTINGS}

#: Keys the engine takes on a reload signal (dockerd's documented list).
LIVE_KEYS = frozenset({
    "debug", "labels", "live-restore", "max-concurrent-downloads", "max-concurrent-uploads",
    "max-download-attempts", "default-runtime", "runtimes", "authorization-plugins",
    "allow-nondistributable-artifacts", "insecure-registries", "registry-mirrors",
    "shutdown-timeout", "features",
})  # fmt: skip

#: Keys Dockyard gives the engine on its command line: the file may not set them too (the
#: engine refuses to start when a setting comes from both).
MANAGED_KEYS = frozenset({"data-root", "exec-root", "pidfile", "hosts", "host", "graph", "tls",
                          "tlsverify", "tlscacert", "tlscert", "tlskey"})  # fmt: skip

#: The log drivers the engine has built in.
LOG_DRIVERS = ("json-file", "local", "journald", "syslog", "gelf", "fluentd", "awslogs",
               "splunk", "gcplogs", "logentries", "etwlogs", "none")  # fmt: skip


@dataclass(frozen=True)
class SettingsForm:
    """The form's fields as the user typed them (lists one item per line)."""

    registry_mirrors: str = ""
    insecure_registries: str = ""
    log_driver: str = ""
    log_opts: str = ""
    address_pools: str = ""
    live_restore: bool = False
    debug: bool = False
    buildkit: bool | None = None  # None: not set, the engine's default


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def form_of(config: Mapping[str, Any]) -> SettingsForm:
    """The form for a configuration as read from the file."""
    opts = config.get("log-opts") or {}
    pools = config.get("default-address-pools") or []
    features = config.get("features") or {}
    return SettingsForm(
        registry_mirrors="\n".join(str(m) for m in config.get("registry-mirrors") or []),
        insecure_registries="\n".join(str(r) for r in config.get("insecure-registries") or []),
        log_driver=str(config.get("log-driver") or ""),
        log_opts="\n".join(f"{k}={v}" for k, v in opts.items()) if isinstance(opts, dict) else "",
        address_pools="\n".join(
            f"{p.get('base', '')} {p.get('size', '')}".strip() for p in pools if isinstance(p, dict)
        ),
        live_restore=bool(config.get("live-restore", False)),
        debug=bool(config.get("debug", False)),
        buildkit=features.get("buildkit") if isinstance(features, dict) else None,
    )


def settings_problems(form: SettingsForm) -> dict[str, str]:
    """What is wrong, by key, in words."""
    found: dict[str, str] = {}
    for mirror in _lines(form.registry_mirrors):
        parsed = urlparse(mirror)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            found["registry-mirrors"] = (f"'{mirror}' is not a mirror's address: write it as "
                                         "https://host[:port].")  # fmt: skip
            break
        if parsed.path not in ("", "/"):
            found["registry-mirrors"] = f"'{mirror}': a mirror's address has no path."
            break
    for registry in _lines(form.insecure_registries):
        if "://" in registry:
            found["insecure-registries"] = (f"'{registry}': give the registry as host:port, "
                                             "without http:// or https://.")  # fmt: skip
            break
        if "/" in registry:
            try:
                ipaddress.ip_network(registry, strict=False)
            except ValueError:
                found["insecure-registries"] = f"'{registry}' is neither host:port nor a network."
                break
    driver = form.log_driver.strip()
    if driver and driver not in LOG_DRIVERS:
        found["log-driver"] = (f"The engine has no log driver '{driver}': choose one of "
                               f"{', '.join(LOG_DRIVERS)}.")  # fmt: skip
    for line in _lines(form.log_opts):
        name, equals, _value = line.partition("=")
        if not equals or not name.strip():
            found["log-opts"] = f"'{line}': write each option as name=value."
            break
    if _lines(form.log_opts) and driver in ("", "none"):
        found.setdefault("log-opts", "Choose the log driver these options are for.")
    problem = _pools_problem(_lines(form.address_pools))
    if problem:
        found["default-address-pools"] = problem
    return found


def _pools_problem(lines: list[str]) -> str:
    seen: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            return f"'{line}': write a pool as base-network size, e.g. 10.201.0.0/16 24."
        try:
            base = ipaddress.ip_network(parts[0], strict=True)
        except ValueError:
            return (f"'{parts[0]}' is not a network base: write it as address/prefix, with the "
                    "host part zero (10.201.0.0/16).")  # fmt: skip
        size = int(parts[1])
        if not base.prefixlen <= size <= base.max_prefixlen - 2:
            return (f"'{line}': each network's size must be between /{base.prefixlen} (the "
                    f"pool's own) and /{base.max_prefixlen - 2}.")  # fmt: skip
        clash = next((other for other in seen if other.overlaps(base)), None)
        if clash is not None:
            return f"The pools {clash} and {base} overlap: give each its own range."
        seen.append(base)
    return ""


def merged(config: Mapping[str, Any], form: SettingsForm) -> dict[str, Any]:
    """`config` with the form's keys set from it (an empty field removes its key); the
    keys the form does not show are kept as they were."""
    result = dict(config)

    def put(key: str, value: Any) -> None:
        if value in (None, "", [], {}, False):
            result.pop(key, None)
        else:
            result[key] = value

    put("registry-mirrors", _lines(form.registry_mirrors))
    put("insecure-registries", _lines(form.insecure_registries))
    put("log-driver", form.log_driver.strip())
    options = (line.partition("=") for line in _lines(form.log_opts))
    put("log-opts", {name.strip(): value.strip() for name, _, value in options})
    pools = (line.split() for line in _lines(form.address_pools))
    put("default-address-pools", [{"base": base, "size": int(size)} for base, size in pools])
    put("live-restore", form.live_restore)
    put("debug", form.debug)
    features = dict(config.get("features") or {})
    if form.buildkit is None:
        features.pop("buildkit", None)
    else:
        features["buildkit"] = form.buildkit
    put("features", features)
    return result


def parse_raw(text: str) -> tuple[dict[str, Any] | None, str]:
    """The file's text as a configuration, or None and what is wrong, in words."""
    if not text.strip():
        return {}, ""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"This is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
    if not isinstance(config, dict):
        return None, 'The settings must be one JSON object: { "key": value, ... }.'
    return config, raw_problem(config)


def raw_problem(config: Mapping[str, Any]) -> str:
    """What is wrong with a whole configuration that the engine would refuse, in words."""
    managed = sorted(MANAGED_KEYS & set(config))
    if managed:
        return (f"Dockyard sets {', '.join(managed)} for this engine itself: remove "
                f"{'it' if len(managed) == 1 else 'them'} from the settings.")  # fmt: skip
    kinds: dict[str, type] = {
        "registry-mirrors": list, "insecure-registries": list, "log-driver": str,
        "log-opts": dict, "default-address-pools": list, "live-restore": bool, "debug": bool,
        "features": dict, "labels": list, "max-concurrent-downloads": int,
        "max-concurrent-uploads": int, "shutdown-timeout": int,
    }  # fmt: skip
    for key, kind in kinds.items():
        value = config.get(key)
        if key in config and (
            not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        ):
            return f"{key} must be {_kind_words(kind)}."
    if isinstance(config.get("log-opts"), dict) and not all(
        isinstance(v, str) for v in config["log-opts"].values()
    ):
        return 'Every log option\'s value must be a string, e.g. "max-file": "3".'
    if isinstance(config.get("features"), dict) and not all(
        isinstance(v, bool) for v in config["features"].values()
    ):
        return "Every feature must be true or false."
    try:
        form = form_of(config)
    except (AttributeError, TypeError):
        return 'default-address-pools must be a list of {"base": ..., "size": ...}.'
    problems = settings_problems(form)
    return next(iter(problems.values()), "")


def _kind_words(kind: type) -> str:
    words = {list: "a list [...]", dict: "an object {...}", str: "a string",
             bool: "true or false", int: "a whole number"}  # fmt: skip
    return words.get(kind, kind.__name__)


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The keys whose values differ, sorted."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def needs_restart(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The changed keys the engine takes only when it starts."""
    return [k for k in changed(before, after) if k not in LIVE_KEYS]


def text_of(config: Mapping[str, Any]) -> str:
    """The file's text as Dockyard writes it."""
    return json.dumps(config, indent=2, sort_keys=True) + "\n"
