"""How to reach an engine, resolved the way the docker CLI does it.

Order: `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` for tcp), then
`DOCKER_CONTEXT`, then `currentContext` in the CLI's `config.json`, then the default socket.
Contexts live in `<config dir>/contexts/meta/<sha256 of name>/meta.json`, their TLS files in
`<config dir>/contexts/tls/<sha256 of name>/docker/`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from engine_bridge.errors import EngineError, ErrorKind

DEFAULT_HOST = "unix:///var/run/docker.sock"
DEFAULT_CONTEXT = "default"


@dataclass(frozen=True)
class TlsFiles:
    """Client certificate files for an engine reached over TCP with TLS."""

    ca: Path | None
    cert: Path | None
    key: Path | None
    verify: bool = True


@dataclass(frozen=True)
class Endpoint:
    """One way to reach an engine.

    `name` is the context's name ("default" for the default socket, "DOCKER_HOST" when that
    variable chose it), `source` says where it came from, `host` is the URL the SDK uses.
    """

    name: str
    host: str
    source: str
    tls: TlsFiles | None = None
    description: str = ""

    @property
    def kind(self) -> str:
        """The transport: unix, tcp, ssh or npipe."""
        scheme = urlparse(self.host).scheme
        return "tcp" if scheme in ("http", "https") else scheme

    @property
    def address(self) -> str:
        """The socket path or host:port, without the scheme."""
        parsed = urlparse(self.host)
        if parsed.scheme in ("unix", "npipe"):
            return parsed.path
        return parsed.netloc or self.host


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The docker CLI's configuration directory (`DOCKER_CONFIG` or ~/.docker)."""
    env = os.environ if env is None else env
    configured = env.get("DOCKER_CONFIG")
    return Path(configured) if configured else Path.home() / ".docker"


def _read_json(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise EngineError(
            ErrorKind.CONFIG,
            "Cannot read a Docker configuration file",
            f"{path}: {exc.strerror}",
            "Check the file's permissions.",
        ) from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EngineError(
            ErrorKind.CONFIG,
            "A Docker configuration file is not valid JSON",
            f"{path}, line {exc.lineno} column {exc.colno}: {exc.msg}",
            "Fix the file by hand, or move it away and Docker will start from defaults.",
        ) from exc
    if not isinstance(data, dict):
        raise EngineError(
            ErrorKind.CONFIG,
            "A Docker configuration file has the wrong shape",
            f"{path} should hold a JSON object, not {type(data).__name__}.",
            "Fix the file by hand, or move it away and Docker will start from defaults.",
        )
    return data


def _context_id(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def _tls_from_env(env: Mapping[str, str], host: str) -> TlsFiles | None:
    verify = env.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    cert_path = env.get("DOCKER_CERT_PATH")
    if not verify and not cert_path:
        return None
    if not host.startswith(("tcp://", "https://")):
        return None
    folder = Path(cert_path) if cert_path else config_dir(env)
    return TlsFiles(
        ca=folder / "ca.pem", cert=folder / "cert.pem", key=folder / "key.pem", verify=verify
    )


def _context_from_meta(meta_path: Path, config: Path) -> Endpoint:
    meta = _read_json(meta_path)
    name = meta.get("Name")
    endpoints = meta.get("Endpoints")
    docker_ep = endpoints.get("docker") if isinstance(endpoints, dict) else None
    if not isinstance(name, str) or not isinstance(docker_ep, dict):
        raise EngineError(
            ErrorKind.CONFIG,
            "A Docker context is incomplete",
            f"{meta_path} has no 'Name' or no 'Endpoints.docker'.",
            "Remove the context with 'docker context rm', then create it again.",
        )
    host = docker_ep.get("Host")
    if not isinstance(host, str) or not host:
        raise EngineError(
            ErrorKind.CONFIG,
            "A Docker context has no host",
            f"{meta_path}: 'Endpoints.docker.Host' is missing.",
            "Set it with 'docker context update --docker host=...'.",
        )
    tls_dir = config / "contexts" / "tls" / _context_id(name) / "docker"
    tls = None
    if tls_dir.is_dir():

        def pick(file: str) -> Path | None:
            path = tls_dir / file
            return path if path.exists() else None

        tls = TlsFiles(
            ca=pick("ca.pem"),
            cert=pick("cert.pem"),
            key=pick("key.pem"),
            verify=not docker_ep.get("SkipTLSVerify", False),
        )
    metadata = meta.get("Metadata")
    description = metadata.get("Description", "") if isinstance(metadata, dict) else ""
    return Endpoint(
        name=name, host=host, source="context", tls=tls, description=str(description or "")
    )


def list_contexts(env: Mapping[str, str] | None = None) -> list[Endpoint]:
    """Every context the docker CLI knows, the default one first."""
    env = os.environ if env is None else env
    config = config_dir(env)
    found = [Endpoint(DEFAULT_CONTEXT, DEFAULT_HOST, "default", description="The default socket")]
    meta_root = config / "contexts" / "meta"
    if meta_root.is_dir():
        for meta_path in sorted(meta_root.glob("*/meta.json")):
            found.append(_context_from_meta(meta_path, config))
    return found


def current_context_name(env: Mapping[str, str] | None = None) -> str:
    """`DOCKER_CONTEXT`, else `currentContext` from config.json, else "default"."""
    env = os.environ if env is None else env
    if env.get("DOCKER_CONTEXT"):
        return env["DOCKER_CONTEXT"]
    config_path = config_dir(env) / "config.json"
    current = _read_json(config_path).get("currentContext")
    if current is not None and not isinstance(current, str):
        raise EngineError(
            ErrorKind.CONFIG,
            "A Docker configuration file has a bad value",
            f"{config_path}: 'currentContext' should be a name.",
            "Run 'docker context use default' or fix the file by hand.",
        )
    return current or DEFAULT_CONTEXT


def resolve(env: Mapping[str, str] | None = None) -> Endpoint:
    """The endpoint the docker CLI would use with this environment."""
    env = os.environ if env is None else env
    host = env.get("DOCKER_HOST")
    if host:
        if "://" not in host:
            raise EngineError(
                ErrorKind.CONFIG,
                "DOCKER_HOST is not a valid address",
                f"'{host}' has no scheme.",
                "Use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host.",
            )
        return Endpoint("DOCKER_HOST", host, "DOCKER_HOST", tls=_tls_from_env(env, host))
    name = current_context_name(env)
    if name == DEFAULT_CONTEXT:
        return Endpoint(DEFAULT_CONTEXT, DEFAULT_HOST, "default", description="The default socket")
    config = config_dir(env)
    meta_path = config / "contexts" / "meta" / _context_id(name) / "meta.json"
    if not meta_path.exists():
        chooser = "DOCKER_CONTEXT" if env.get("DOCKER_CONTEXT") else str(config / "config.json")
        raise EngineError(
            ErrorKind.CONFIG,
            f"Docker context '{name}' does not exist",
            f"It is selected by {chooser} but has no metadata.",
            "Run 'docker context ls' to see the contexts, and 'docker context use' to pick one.",
        )
    endpoint = _context_from_meta(meta_path, config)
    return Endpoint(
        endpoint.name,
        endpoint.host,
        "DOCKER_CONTEXT" if env.get("DOCKER_CONTEXT") else "config",
        endpoint.tls,
        endpoint.description,
    )
