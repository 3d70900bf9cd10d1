"""Image references: `[registry/][path/]name[:tag][@digest]`, as the distribution spec has them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine_bridge.specs import SpecError

DEFAULT_REGISTRY = "docker.io"
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,}")
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?"
)


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference. `registry` is empty when none was written (Docker Hub)."""

    registry: str
    repository: str
    tag: str = ""
    digest: str = ""

    def __str__(self) -> str:
        text = f"{self.registry}/{self.repository}" if self.registry else self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def registry_host(self) -> str:
        return self.registry or DEFAULT_REGISTRY


def parse_image_ref(text: str) -> ImageRef:
    """Parse an image reference as `docker pull` and `docker run` accept it."""
    ref = text.strip()
    if not ref:
        raise SpecError("The image name is empty. Write one, for example nginx:1.27 or alpine.")
    if any(ch.isspace() for ch in ref):
        raise SpecError(f"'{ref}' contains a space; an image reference has none.")
    digest = ""
    if "@" in ref:
        ref, digest = ref.split("@", 1)
        if not _DIGEST.fullmatch(digest):
            raise SpecError(
                f"'{digest}' is not a digest. A digest looks like sha256: followed by 64 "
                "hexadecimal digits."
            )
    tag = ""
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise SpecError(
                f"'{tag}' is not a valid tag: use letters, digits, '_', '.' and '-', at most "
                "128, not starting with '.' or '-'."
            )
    registry = ""
    parts = ref.split("/")
    if len(parts) > 1 and (
        "." in parts[0] or ":" in parts[0] or parts[0] == "localhost" or parts[0].startswith("[")
    ):
        registry = parts[0]
        parts = parts[1:]
        if not _HOST.fullmatch(registry):
            raise SpecError(f"'{registry}' is not a valid registry host (host[:port]).")
    if not parts or not all(parts):
        raise SpecError(f"'{text.strip()}' has an empty part between slashes.")
    for part in parts:
        if not _COMPONENT.fullmatch(part):
            hint = " Image names are lower case." if part.lower() != part else ""
            raise SpecError(
                f"'{part}' is not a valid name part: use lower-case letters and digits, "
                f"separated by '.', '_', '__' or '-'.{hint}"
            )
    repository = "/".join(parts)
    if len(repository) > 255:
        raise SpecError("The repository name is longer than 255 characters.")
    return ImageRef(registry, repository, tag, digest)
