"""What a user asks of a docker context for an engine on another machine: its name, how it
is reached (ssh://user@host or tcp://host:port), a description and, over TCP, the TLS files;
checked in words, and said as the `docker context create` command that makes the same.

Pure: whether the files exist and hold PEM is given by the caller (`files`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

#: The docker CLI's rule for context names.
_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$")
RESERVED = frozenset({"default"})


@dataclass(frozen=True)
class ContextForm:
    name: str
    host: str
    description: str = ""
    ca: str = ""
    cert: str = ""
    key: str = ""
    skip_verify: bool = False

    @property
    def scheme(self) -> str:
        return urlparse(self.host.strip()).scheme


def context_problems(
    form: ContextForm,
    taken: Iterable[str] = (),
    files: Mapping[str, str] | None = None,
    editing: str = "",
) -> dict[str, str]:
    """What is wrong, by field. `files` maps each TLS file named to what is wrong with it
    ("" when it is a readable PEM file); `editing` is the name of the context being changed."""
    found: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        found["name"] = "Give the engine a name."
    elif name in RESERVED:
        found["name"] = "'default' is the docker CLI's own context: choose another name."
    elif not _NAME.match(name):
        found["name"] = (f"'{name}' cannot be a context name: use two or more letters, digits "
                         "and _ . + - (a letter or digit first).")  # fmt: skip
    elif name != editing and name in set(taken):
        found["name"] = f"There is a context named {name} already."
    host = form.host.strip()
    parsed = urlparse(host)
    if not host:
        found["host"] = "Say how to reach the engine: ssh://user@host or tcp://host:2376."
    elif parsed.scheme not in ("ssh", "tcp"):
        found["host"] = (f"'{host}' is not an address the app can use: write "
                         "ssh://user@host[:port] or tcp://host:port.")  # fmt: skip
    elif not parsed.hostname:
        found["host"] = f"'{host}' names no host."
    elif parsed.scheme == "tcp" and parsed.port is None:
        found["host"] = "Give the port too, e.g. tcp://host:2376 (2376 is the usual TLS port)."
    elif parsed.scheme == "ssh" and (parsed.path not in ("", "/")):
        found["host"] = "An ssh address has no path: ssh://user@host or ssh://user@host:2222."
    tls = {"ca": form.ca, "cert": form.cert, "key": form.key}
    if parsed.scheme == "ssh" and any(v.strip() for v in tls.values()):
        found["tls"] = "Certificates are for tcp:// addresses; over ssh the SSH keys are used."
    if parsed.scheme == "tcp":
        if bool(form.cert.strip()) != bool(form.key.strip()):
            found["tls"] = "A client certificate needs its key, and a key its certificate."
        for field, path in tls.items():
            problem = (files or {}).get(path.strip(), "") if path.strip() else ""
            if problem:
                found[field] = problem
    return found


def context_warning(form: ContextForm) -> str:
    """What to know before saving a form that is not wrong ("" when nothing)."""
    if form.scheme != "tcp":
        return ""
    if not any(getattr(form, f).strip() for f in ("ca", "cert", "key")):
        return ("Without certificates, anyone who can reach that port controls the engine, "
                "and everything on its machine: use this only for an engine on this computer "
                "or a network you trust.")  # fmt: skip
    if form.skip_verify:
        return ("Not checking the engine's certificate means the app cannot tell the engine "
                "from an impostor in between.")  # fmt: skip
    return ""


def create_command(form: ContextForm, update: bool = False) -> list[str]:
    """`docker context create` (or `update`) for the form."""
    parts = [f"host={form.host.strip()}"]
    for field in ("ca", "cert", "key"):
        value = getattr(form, field).strip()
        if value:
            parts.append(f"{field}={value}")
    if form.skip_verify:
        parts.append("skip-tls-verify=true")
    argv = ["docker", "context", "update" if update else "create"]
    if form.description.strip():
        argv += ["--description", form.description.strip()]
    return [*argv, "--docker", ",".join(parts), form.name.strip()]


def create_text(form: ContextForm, update: bool = False) -> str:
    return shlex.join(create_command(form, update))
