"""Stats math as `docker stats` does it."""

from __future__ import annotations

from engine_bridge.streams.stats import sample

RAW = {
    "cpu_stats": {"cpu_usage": {"total_usage": 3_000_000_000}, "system_cpu_usage": 20_000_000_000,
                  "online_cpus": 2},
    "precpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000},
                     "system_cpu_usage": 18_000_000_000},
    "memory_stats": {"usage": 100 * 2**20, "limit": 1024 * 2**20,
                     "stats": {"inactive_file": 30 * 2**20}},
    "networks": {"eth0": {"rx_bytes": 100, "tx_bytes": 10},
                 "eth1": {"rx_bytes": 5, "tx_bytes": 1}},
    "blkio_stats": {"io_service_bytes_recursive": [
        {"major": 8, "minor": 0, "op": "Read", "value": 4096},
        {"major": 8, "minor": 0, "op": "Write", "value": 1024},
        {"major": 8, "minor": 16, "op": "read", "value": 4096},
    ]},
    "pids_stats": {"current": 7},
}  # fmt: skip


def test_docker_stats_numbers() -> None:
    s = sample(RAW)
    # 1 s of CPU over 2 s of all CPUs' time, with 2 CPUs: one core kept busy = 100 %.
    assert s.cpu_percent == 100.0
    assert s.memory_bytes == 70 * 2**20, "page cache that can be dropped is not counted"
    assert round(s.memory_percent, 2) == round(70 / 1024 * 100, 2)
    assert (s.network_rx, s.network_tx) == (105, 11)
    assert (s.block_read, s.block_write) == (8192, 1024)
    assert s.pids == 7


def test_cgroup_v1_cache_and_no_previous_sample() -> None:
    raw = {**RAW, "memory_stats": {"usage": 50, "limit": 100, "stats": {"total_inactive_file": 20}},
           "precpu_stats": {}}  # fmt: skip
    s = sample(raw)
    assert s.memory_bytes == 30
    assert s.cpu_percent == 100.0 * 3_000_000_000 / 20_000_000_000 * 2
