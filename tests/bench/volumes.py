"""Volumes: listing 200 volumes against `docker volume ls`, and exporting a volume that
holds 1 GB of files against `docker run --rm -v vol:/v busybox tar c /v > file`, on the same
engine in the same run (goal: the export within 1.5x of the CLI's time).

The bridge's list is a fresh EngineBridge connecting and listing into DTOs (as the app does
on connect); the CLI's is the real process, output to /dev/null. The export is the app's
real path: an Operation through EngineBridge.perform, a created-never-started helper and the
engine's archive endpoint, written to a file. Rounds alternate between the two.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.resources.volumes import export_volume, list_volumes
from engine_bridge.sdk import make_client
from tests.engine_support import (
    BUSYBOX_IMAGE,
    TEST_LABEL,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)

VOLUMES = 200
BIG = "dyb-volumes-big"
FILES, FILE_MB = 64, 16  # 1 GiB


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _make_volumes(client: Any) -> None:
    labels = {TEST_LABEL: "1", "dockyard.bench": "volumes"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: client.api.create_volume(f"dyb-volumes-{i:03d}", labels=labels),
                      range(VOLUMES - 1)))  # fmt: skip
    client.api.create_volume(BIG, labels=labels)
    size = FILE_MB * 1024 * 1024
    script = (
        f"i=0; while [ $i -lt {FILES} ]; do head -c {size} /dev/urandom > /v/f$i; i=$((i+1)); done"
    )
    subprocess.run(["docker", "run", "--rm", "--label", f"{TEST_LABEL}=1", "-v", f"{BIG}:/v",
                    BUSYBOX_IMAGE, "sh", "-c", script], check=True)  # fmt: skip


def _list_round(endpoint: Endpoint) -> tuple[float, int]:
    async def connect_and_list() -> int:
        bridge = EngineBridge(endpoint)
        try:
            await bridge.connect()
            return len(await list_volumes(bridge))
        finally:
            await bridge.close()

    start = time.perf_counter()
    count = asyncio.run(connect_and_list())
    return time.perf_counter() - start, count


def _cli_list_round() -> float:
    start = time.perf_counter()
    subprocess.run(["docker", "volume", "ls"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _export_round(endpoint: Endpoint, target: Path) -> tuple[float, int]:
    async def export() -> int:
        bridge = EngineBridge(endpoint)
        try:
            await bridge.connect()
            done = await bridge.perform(export_volume(BIG, str(target)))
            return int(done.result or 0)
        finally:
            await bridge.close()

    start = time.perf_counter()
    size = asyncio.run(export())
    return time.perf_counter() - start, size


def _cli_export_round(target: Path) -> float:
    start = time.perf_counter()
    with open(target, "wb") as out:
        subprocess.run(["docker", "run", "--rm", "--label", f"{TEST_LABEL}=1", "-v", f"{BIG}:/v",
                        BUSYBOX_IMAGE, "tar", "c", "/v"], check=True, stdout=out)  # fmt: skip
    return time.perf_counter() - start


def run(rounds: int) -> dict[str, object]:
    engine = ensure_engine()
    client = make_client(engine.endpoint)
    folder = Path(tempfile.mkdtemp(prefix="dockyard-bench-"))
    try:
        build_busybox_image(client)
        remove_test_objects(client)
        _say(f"creating {VOLUMES} volumes, one with {FILES * FILE_MB} MiB of files...")
        _make_volumes(client)
        _list_round(engine.endpoint)
        _cli_list_round()
        list_times, cli_list_times, listed = [], [], 0
        for n in range(rounds):
            seconds, listed = _list_round(engine.endpoint)
            list_times.append(seconds)
            cli_list_times.append(_cli_list_round())
            _say(f"list round {n + 1}: bridge {list_times[-1] * 1000:.1f} ms, "
                 f"docker volume ls {cli_list_times[-1] * 1000:.1f} ms")  # fmt: skip
        export_rounds = max(3, rounds // 2)
        app_times, cli_times, size = [], [], 0
        for n in range(export_rounds):
            seconds, size = _export_round(engine.endpoint, folder / "app.tar")
            app_times.append(seconds)
            cli_times.append(_cli_export_round(folder / "cli.tar"))
            _say(f"export round {n + 1}: app {app_times[-1]:.2f} s, "
                 f"docker run … tar c {cli_times[-1]:.2f} s")  # fmt: skip
            cli_size = (folder / "cli.tar").stat().st_size
            for path in folder.iterdir():
                path.unlink()
        list_ms, cli_ms = (
            statistics.median(list_times) * 1000,
            statistics.median(cli_list_times) * 1000,
        )
        app_s, cli_s = statistics.median(app_times), statistics.median(cli_times)
        return {
            "volumes": listed,
            "rounds": rounds,
            "bridge_connect_and_list_ms_median": round(list_ms, 1),
            "docker_volume_ls_ms_median": round(cli_ms, 1),
            "ratio_list_bridge_to_cli": round(list_ms / cli_ms, 2),
            "export_rounds": export_rounds,
            "export_bytes": size,
            "cli_tar_bytes": cli_size,
            "app_export_s_median": round(app_s, 2),
            "cli_export_s_median": round(cli_s, 2),
            "app_export_mb_per_s": round(size / app_s / 1e6, 1),
            "ratio_export_app_to_cli": round(app_s / cli_s, 2),
            "goal_export_ratio_at_most": 1.5,
        }
    finally:
        _say("removing the benchmark's volumes...")
        for path in folder.iterdir():
            path.unlink()
        os.rmdir(folder)
        remove_test_objects(client)
        client.close()
        if engine.started_here and engine.bundled is not None:
            engine.bundled.stop_blocking()
