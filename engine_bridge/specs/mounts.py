"""Volumes and bind mounts: `-v [source:]target[:ro|rw]`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine_bridge.specs import SpecError

_VOLUME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class MountSpec:
    """One `-v` flag. `kind` is "volume" (named), "bind" (a host path) or "anonymous"."""

    kind: str
    target: str
    source: str = ""
    read_only: bool = False
    #: Other modes, as written: z, Z, nocopy, cached, delegated, consistent, propagation.
    options: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.source}:{self.target}" if self.source else self.target
        modes = (("ro",) if self.read_only else ()) + self.options
        return f"{text}:{','.join(modes)}" if modes else text

    @property
    def bind(self) -> str | None:
        """The HostConfig.Binds entry, or None for an anonymous volume."""
        return str(self) if self.source else None


# What may follow the container path, comma-separated, as the CLI and engine accept it.
_MODES = frozenset({
    "ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent",
    "shared", "rshared", "slave", "rslave", "private", "rprivate",
})  # fmt: skip


def parse_mount(text: str) -> MountSpec:
    """Parse one `-v` value: "data:/var/lib/data", "/srv/site:/usr/share/html:ro", "/cache"."""
    spec = text.strip()
    if not spec:
        raise SpecError("The volume is empty. Write name:/path/in/container or /host/path:/path.")
    parts = spec.split(":")
    mode = ""
    if len(parts) > 1 and all(m in _MODES for m in parts[-1].split(",")):
        mode = parts.pop()
    modes = [m for m in mode.split(",") if m]
    if len({m for m in modes if m in ("ro", "rw")}) > 1:
        raise SpecError(f"'{text}' is both read-only and read-write: keep :ro or :rw.")
    if len(parts) > 2:
        raise SpecError(
            f"'{text}' has too many colons. Write source:/path/in/container, then :ro to "
            "make it read-only."
        )
    if len(parts) == 1:
        source, target = "", parts[0]
    else:
        source, target = parts
        if not source:
            raise SpecError(f"'{text}' has an empty source before the colon.")
    if not target.startswith("/"):
        raise SpecError(
            f"'{target}' must be an absolute path inside the container, starting with '/'."
        )
    if target == "/":
        raise SpecError("A volume cannot be mounted over the container's root, '/'.")
    read_only = "ro" in modes
    options = tuple(m for m in modes if m not in ("ro", "rw"))
    if not source:
        if read_only:
            raise SpecError(f"'{text}': an anonymous volume cannot be read-only.")
        return MountSpec("anonymous", target, options=options)
    if source.startswith(("/", ".", "~")):
        if not source.startswith("/"):
            raise SpecError(
                f"'{source}' is a relative host path; the engine needs an absolute one, such "
                "as /home/me/site."
            )
        return MountSpec("bind", target, source, read_only, options)
    if not _VOLUME_NAME.fullmatch(source):
        raise SpecError(
            f"'{source}' is not a valid volume name: use letters, digits, '_', '.' and '-', "
            "starting with a letter or digit. A host path starts with '/'."
        )
    return MountSpec("volume", target, source, read_only, options)
