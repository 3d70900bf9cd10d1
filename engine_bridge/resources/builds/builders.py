"""Builders and the build cache: which builder the engine offers, whether `docker buildx` is
there to drive BuildKit builders, what the build cache holds, and pruning it.

The engine has two builders. The classic one is what `POST /build` runs and what Dockyard
drives; its cache is the intermediate images each step leaves (`docker images -a` lists them).
BuildKit needs a client that holds a session open with the engine (the docker CLI's buildx
plugin does); its cache is the engine's "build cache" (`docker system df`), pruned with
`docker builder prune`.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine_bridge import sdk
from engine_bridge.dto import parse_time
from engine_bridge.operations import Operation
from engine_bridge.resources.disk_usage import disk_usage

if TYPE_CHECKING:
    from engine_bridge.bridge import EngineBridge

Client = Any


@dataclass(frozen=True)
class Builders:
    """`default` is the builder the engine names for builds ("classic" or "BuildKit"),
    `buildkit` whether the engine can run BuildKit builds for a client that asks, `buildx` the
    installed `docker buildx` version ("" when it is absent)."""

    engine_version: str
    default: str
    buildkit: bool
    buildx: str


@dataclass(frozen=True)
class CacheEntry:
    """One record of the BuildKit build cache."""

    id: str
    kind: str
    size: int
    in_use: bool
    shared: bool
    last_used: datetime | None
    description: str


@dataclass(frozen=True)
class BuildCache:
    """`entries` (BuildKit's), and the classic builder's intermediate images: how many."""

    entries: tuple[CacheEntry, ...]
    intermediate_images: int

    @property
    def size(self) -> int:
        return sum(e.size for e in self.entries)

    @property
    def reclaimable(self) -> int:
        return sum(e.size for e in self.entries if not e.in_use and not e.shared)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("+")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _buildx_version() -> str:
    docker = shutil.which("docker")
    if docker is None:
        return ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run([docker, "buildx", "version"], capture_output=True, text=True,
                              timeout=10, check=False)  # fmt: skip
        if done.returncode == 0:
            return done.stdout.strip()
    return ""


async def builders(bridge: EngineBridge) -> Builders:
    """What builds can run on: the engine's builders, and buildx where it is installed."""

    def read(client: Client) -> tuple[str, str]:
        response = sdk.request(client, "get", "/_ping", stream=False, timeout=10)
        try:
            return response.headers.get("Builder-Version", ""), client.api.version()["Version"]
        finally:
            response.close()

    header, version = await bridge.call(read, bridge.sdk_client)
    buildx = await bridge.call_long(_buildx_version)
    default = "BuildKit" if header == "2" else "classic"
    return Builders(version, default, _version_tuple(version) >= (18, 9), buildx)


async def build_cache(bridge: EngineBridge) -> BuildCache:
    """The build cache: BuildKit's records from the engine's disk usage, and how many
    intermediate images the classic builder's steps left."""
    document = await disk_usage(bridge)
    entries = tuple(
        CacheEntry(
            id=str(row.get("ID", "")), kind=str(row.get("Type", "")),
            size=int(row.get("Size") or 0), in_use=bool(row.get("InUse")),
            shared=bool(row.get("Shared")), last_used=parse_time(row.get("LastUsedAt")),
            description=str(row.get("Description") or ""),
        )
        for row in document.get("BuildCache") or []
    )  # fmt: skip
    every = await bridge.call(bridge.sdk_client.api.images, all=True, quiet=True)
    top = await bridge.call(bridge.sdk_client.api.images, quiet=True)
    return BuildCache(entries, len(set(every) - set(top)))


def plan_cache_prune(
    cache: BuildCache, all_unused: bool, age: timedelta, now: datetime, keep: int = 0
) -> list[CacheEntry]:
    """The records a prune with these choices removes: not in use, not shared with an image
    unless all unused ones go, and not used within `age`; with `keep`, the least recently
    used of those only until the whole cache is down to `keep` bytes."""
    candidates = [
        e for e in cache.entries
        if not e.in_use and (all_unused or not e.shared)
        and (not age or e.last_used is None or now - e.last_used >= age)
    ]  # fmt: skip
    if not keep:
        return candidates
    total = cache.size
    going = []
    oldest_first = sorted(
        candidates, key=lambda e: e.last_used or datetime.min.replace(tzinfo=now.tzinfo)
    )
    for entry in oldest_first:
        if total <= keep:
            break
        going.append(entry)
        total -= entry.size
    return going


def prune_build_cache(
    all_unused: bool = False, older_than: str = "", keep_bytes: int = 0
) -> Operation[int]:
    """`docker builder prune`: BuildKit's cache records that no build uses; `all_unused`
    takes the ones still shared with images too; `older_than` (e.g. "24h") only those not
    used for that long; `keep_bytes` stops once the cache is down to that size. The result
    is the bytes freed."""
    argv = ["docker", "builder", "prune", "--force"]
    params: dict[str, Any] = {}
    if keep_bytes:
        params["keep-storage"] = str(keep_bytes)
    if all_unused:
        argv.append("--all")
        params["all"] = "1"
    if older_than:
        argv += ["--filter", f"until={older_than}"]
        params["filters"] = f'{{"until":["{older_than}"]}}'
    if keep_bytes:
        argv += ["--keep-storage", f"{keep_bytes // 1_000_000_000}GB"]

    def work(client: Client) -> int:
        response = sdk.request(client, "post", "/build/prune", params=params, stream=False)
        try:
            return int((response.json() or {}).get("SpaceReclaimed") or 0)
        finally:
            response.close()

    return Operation("Prune the build cache", tuple(argv), work, verb="pruning")
