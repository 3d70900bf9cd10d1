"""The VM engine: how long its guest takes to build from nothing, to boot to an answering
engine, and to stop; how much memory QEMU holds while the engine idles; and whether its data
disk gives space back: the disk file's real size with the engine in use (one small image),
after building a 500 MB image, and after removing it and pruning (goal: back within 10% of
the size before). QEMU's memory is read after 20 s idle and again after the build: the guest's
page cache holds what was written until the guest drops it when idle, and free page
reporting gives the freed memory back: read once more after three minutes idle. Last, memory
a container fills and gives up: QEMU's RSS with 600 MB held in a container's tmpfs, and 20 s
after that container is removed (free page reporting hands it back to the host)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from engine_bridge.engines.base import MachineSettings
from engine_bridge.engines.vm import guest
from engine_bridge.engines.vm.provider import VmEngine
from engine_bridge.sdk import make_client
from tests.bench.list_containers import _say
from tests.engine_support import BUSYBOX_IMAGE, build_busybox_image

BIG_MB = 500
IDLE_SECONDS = 20
#: Long enough for the guest's load to fall and its idle cache drop to give memory back.
SETTLE_SECONDS = 180
FILL_MB = 600
#: How long after the container's memory is freed QEMU's RSS is read again.
FREED_SECONDS = 20


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _big_image(client: Any, folder: Path) -> None:
    (folder / "Dockerfile").write_text(
        f"FROM {BUSYBOX_IMAGE}\nRUN dd if=/dev/urandom of=/big bs=1M count={BIG_MB}\n"
    )
    client.images.build(path=str(folder), tag="dockyard-bench/big:latest", rm=True)


def _fill_and_free(engine: VmEngine, pid: int) -> tuple[float, float]:
    """QEMU's RSS while a container holds FILL_MB in its memory, and FREED_SECONDS after the
    container is removed."""
    client = make_client(engine.endpoint, timeout=300)
    try:
        holder = client.containers.run(
            BUSYBOX_IMAGE, ["sh", "-c", f"dd if=/dev/zero of=/fill/zeros bs=1M count={FILL_MB}"
                            " 2>/dev/null && echo filled && sleep 600"],
            tmpfs={"/fill": f"size={FILL_MB + 50}m"}, labels={"dockyard-bench": "1"},
            detach=True,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while b"filled" not in holder.logs() and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(5)
        filled = _rss_mib(pid)
        _say(f"QEMU RSS with {FILL_MB} MB held in a container: {filled:.0f} MiB")
        holder.remove(force=True)
    finally:
        client.close()
    time.sleep(FREED_SECONDS)
    freed = _rss_mib(pid)
    _say(f"QEMU RSS {FREED_SECONDS} s after that container was removed: {freed:.0f} MiB")
    return filled, freed


def run(rounds: int = 1) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dockyard-vm-bench-") as temp:
        root = Path(temp)
        engine = VmEngine(root / "vm")
        engine.choose_machine(MachineSettings(cpus=2, memory_mib=2048, disk_gib=32))
        began = time.perf_counter()
        guest.build(engine.paths.cache, _say)
        build_s = time.perf_counter() - began
        _say(f"guest built from nothing in {build_s:.1f} s")
        try:
            engine.start_blocking()
            boot_s = engine.ready_after or 0.0
            _say(f"ready {boot_s:.1f} s after QEMU started")
            time.sleep(IDLE_SECONDS)
            pid = engine.pid
            assert pid is not None
            rss_idle = _rss_mib(pid)
            _say(f"QEMU RSS after {IDLE_SECONDS} s idle: {rss_idle:.0f} MiB")
            client = make_client(engine.endpoint, timeout=600)
            try:
                build_busybox_image(client)
                time.sleep(5)
                disk_before = engine.data_disk_bytes()[1]  # an engine in use, with one image
                (root / "big").mkdir()
                _big_image(client, root / "big")
                disk_full = engine.data_disk_bytes()[1]
                _say(f"data disk: {disk_before / 2**20:.0f} MiB before, "
                     f"{disk_full / 2**20:.0f} MiB with the images")  # fmt: skip
                client.images.remove("dockyard-bench/big:latest", force=True)
                client.api.prune_builds()
                client.images.prune()
            finally:
                client.close()
            time.sleep(10)  # the guest discards freed blocks as it frees them; let it finish
            disk_after = engine.data_disk_bytes()[1]
            _say(f"data disk after removing and pruning: {disk_after / 2**20:.0f} MiB")
            rss_after = _rss_mib(pid)
            _say(f"QEMU RSS after the work: {rss_after:.0f} MiB; idling {SETTLE_SECONDS} s")
            time.sleep(SETTLE_SECONDS)
            rss_settled = _rss_mib(pid)
            _say(f"QEMU RSS after {SETTLE_SECONDS} s idle: {rss_settled:.0f} MiB")
            rss_filled, rss_freed = _fill_and_free(engine, pid)
            began = time.perf_counter()
            engine.stop_blocking()
            stop_s = time.perf_counter() - began
        finally:
            engine.stop_blocking()
    grew = max(1, disk_full - disk_before)
    return {
        "guest_build_from_nothing_s": round(build_s, 1),
        "boot_to_ready_s": round(boot_s, 1),
        "stop_s": round(stop_s, 1),
        "qemu_rss_idle_mib": round(rss_idle),
        "qemu_rss_after_the_images_mib": round(rss_after),
        f"qemu_rss_after_{SETTLE_SECONDS}_s_idle_mib": round(rss_settled),
        f"qemu_rss_with_{FILL_MB}_mb_in_a_container_mib": round(rss_filled),
        f"qemu_rss_{FREED_SECONDS}_s_after_it_was_freed_mib": round(rss_freed),
        "memory_given_back_share": round((rss_filled - rss_freed) / max(1, FILL_MB), 2),
        "data_disk_before_mib": round(disk_before / 2**20, 1),
        "data_disk_with_images_mib": round(disk_full / 2**20, 1),
        "data_disk_after_prune_mib": round(disk_after / 2**20, 1),
        "given_back_share_of_growth": round((disk_full - disk_after) / grew, 3),
        "goal_after_prune_within_10pct_of_before": disk_after <= disk_before * 1.1,
    }
