"""Docker contexts made, changed, removed and chosen as the docker CLI does it, so that
`docker context ls` and the CLI see the engines added in the app (and the app those added
with the CLI: endpoints.py reads them).

A context is `<config>/contexts/meta/<sha256 of name>/meta.json` and, for TLS, the CA,
certificate and key copied into `<config>/contexts/tls/<sha256 of name>/docker/` (folders
0700, files 0600, as the CLI makes them). The current one is `currentContext` in config.json.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine_bridge.endpoints import (
    DEFAULT_CONTEXT,
    Endpoint,
    _context_from_meta,
    _context_id,
    config_dir,
    current_context_name,
)
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.specs.context_form import ContextForm

_PEM = b"-----BEGIN "


def tls_file_problems(paths: Sequence[str]) -> dict[str, str]:
    """For each path given: what is wrong with it as a PEM file ("" when nothing)."""
    found = {}
    for path in paths:
        if not path.strip():
            continue
        try:
            with open(os.path.expanduser(path.strip()), "rb") as file:
                head = file.read(4096)
        except FileNotFoundError:
            found[path.strip()] = f"There is no file {path.strip()}."
            continue
        except OSError as exc:
            found[path.strip()] = f"{path.strip()} cannot be read: {exc.strerror}."
            continue
        found[path.strip()] = "" if _PEM in head else (
            f"{path.strip()} is not a PEM file (it should start with -----BEGIN).")  # fmt: skip
    return found


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write a file whole or not at all, with its mode from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".dockyard-")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_context(form: ContextForm, env: Mapping[str, str] | None = None,
                 replacing: str = "") -> Endpoint:  # fmt: skip
    """Make the context (or change `replacing`, renaming it when the name changed);
    returns it as endpoints.py reads it back."""
    config = config_dir(env)
    name = form.name.strip()
    tls_files = {}
    for field in ("ca", "cert", "key"):
        path = getattr(form, field).strip()
        if path:
            tls_files[field] = Path(os.path.expanduser(path)).read_bytes()
    meta = {
        "Name": name,
        "Metadata": {"Description": form.description.strip()},
        "Endpoints": {"docker": {"Host": form.host.strip(), "SkipTLSVerify": form.skip_verify}},
    }
    meta_dir = config / "contexts" / "meta" / _context_id(name)
    for folder in (config / "contexts", config / "contexts" / "meta"):
        folder.mkdir(parents=True, exist_ok=True)
    _write(meta_dir / "meta.json", json.dumps(meta).encode(), 0o644)
    tls_dir = config / "contexts" / "tls" / _context_id(name)
    if replacing and replacing != name:
        _drop(config, replacing)
    if tls_files:
        for folder in (config / "contexts" / "tls", tls_dir, tls_dir / "docker"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
        for field in ("ca", "cert", "key"):
            target = tls_dir / "docker" / f"{field}.pem"
            if field in tls_files:
                _write(target, tls_files[field], 0o600)
            else:
                target.unlink(missing_ok=True)
    elif tls_dir.exists():
        shutil.rmtree(tls_dir)  # a form naming no files means none (edits show the kept ones)
    if replacing and replacing != name and current_context_name(env) == replacing:
        use_context(name, env)
    return _context_from_meta(meta_dir / "meta.json", config)


def _drop(config: Path, name: str) -> None:
    for kind in ("meta", "tls"):
        folder = config / "contexts" / kind / _context_id(name)
        if folder.exists():
            shutil.rmtree(folder)


def remove_context(name: str, env: Mapping[str, str] | None = None) -> None:
    """Remove a context; refused for the one in use (as the CLI refuses)."""
    if name == DEFAULT_CONTEXT:
        raise EngineError(ErrorKind.CONFIG, "The default context cannot be removed",
                          hint="It is the docker CLI's own.")  # fmt: skip
    config = config_dir(env)
    if not (config / "contexts" / "meta" / _context_id(name)).exists():
        raise EngineError(ErrorKind.NOT_FOUND, f"There is no context {name}")
    if current_context_name(env) == name:
        raise EngineError(
            ErrorKind.CONFLICT,
            f"The context {name} is in use",
            "The docker CLI uses it for every command.",
            "Choose another context first (docker context use default), then remove it.",
        )
    _drop(config, name)


def use_context(name: str, env: Mapping[str, str] | None = None) -> None:
    """Make `name` the docker CLI's current context (config.json's currentContext)."""
    path = config_dir(env) / "config.json"
    try:
        settings = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError) as exc:
        raise EngineError(ErrorKind.CONFIG, "The docker CLI's config.json cannot be read",
                          str(exc), "Fix or remove the file, then try again.") from exc  # fmt: skip
    if not isinstance(settings, dict):
        settings = {}
    if name == DEFAULT_CONTEXT:
        settings.pop("currentContext", None)
    else:
        settings["currentContext"] = name
    _write(path, (json.dumps(settings, indent=1) + "\n").encode(), 0o600)
