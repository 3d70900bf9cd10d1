"""Stats math as `docker stats` does it."""

from __future__ import annotations

from engine_bridge.streams.stats import (
    ChunkedDocuments,
    StatsSample,
    has_cpu_delta,
    is_reading,
    sample,
)
from engine_bridge.streams.stats_history import StatsHistory

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


def test_the_reading_time_and_the_documents_that_are_not_readings() -> None:
    reading = {**RAW, "read": "2026-11-27T22:12:34.5Z", "preread": "2026-11-27T22:12:33.5Z"}
    assert sample(reading).read_at == 1_795_817_554.5
    assert is_reading(reading)
    assert has_cpu_delta(reading)
    first = {**reading, "preread": "0001-01-01T00:00:00Z"}
    assert is_reading(first)
    assert not has_cpu_delta(first), "no CPU figure without a previous reading"
    stopped = {"read": "0001-01-01T00:00:00Z", "preread": "2026-11-27T22:12:33.5Z"}
    assert not is_reading(stopped), "what the engine sends once the container has stopped"


def _reading(at: float, cpu: float = 0.0, rx: int = 0, memory: int = 0) -> StatsSample:
    return StatsSample(cpu, memory, 2**30, rx, 0, 0, 0, 1, read_at=at)


def test_history_keeps_the_newest_readings_in_order_and_no_more() -> None:
    history = StatsHistory(capacity=5)
    for second in range(8):
        assert history.add(_reading(100.0 + second, cpu=second), received_at=0)
    assert len(history) == 5
    times, cpu = history.series("cpu_percent")
    assert list(times) == [103.0, 104.0, 105.0, 106.0, 107.0]
    assert list(cpu) == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert history.latest is not None
    assert history.latest.cpu_percent == 7.0
    assert history.recent("cpu_percent", 2) == [6.0, 7.0]
    assert history.recent("cpu_percent", 50) == [3.0, 4.0, 5.0, 6.0, 7.0], "no more than kept"
    assert list(history.series("cpu_percent", since=105.5)[0]) == [106.0, 107.0]


def test_history_ignores_repeats_and_uses_arrival_time_without_a_reading_time() -> None:
    history = StatsHistory(capacity=5)
    assert history.add(_reading(10.0), received_at=99.0)
    assert not history.add(_reading(10.0), received_at=99.0), "the same reading twice"
    assert history.add(_reading(0.0), received_at=11.0)
    assert list(history.series("pids")[0]) == [10.0, 11.0]


def test_counters_become_rates_and_a_restart_does_not_go_negative() -> None:
    history = StatsHistory(capacity=10)
    for at, rx in ((0.0, 0), (1.0, 1000), (3.0, 5000), (4.0, 100)):
        history.add(_reading(at, rx=rx), received_at=0)
    times, rates = history.series("network_rx")
    assert list(times) == [1.0, 3.0, 4.0]
    assert list(rates) == [1000.0, 2000.0, 0.0]
    assert history.recent("network_rx", 2) == [2000.0, 0.0]


def test_a_history_fits_a_hundred_containers_in_a_few_megabytes() -> None:
    history = StatsHistory()
    for second in range(history.capacity + 100):
        history.add(_reading(float(second), cpu=1.0, memory=second), received_at=0)
    columns = [history._times, *history._columns.values()]
    size = sum(c.itemsize * len(c) for c in columns)
    assert len(history) == history.capacity >= 15 * 60
    assert size * 100 < 10 * 2**20


def test_documents_come_out_of_a_chunked_body_fed_in_any_pieces() -> None:
    body = (
        b"".join(
            f"{len(doc):x}\r\n".encode() + doc + b"\r\n"
            for doc in (b'{"a": 1}\n', b'{"b": 2}\n{"c"', b": 3}\n")
        )
        + b"0\r\n\r\n"
    )
    for piece in (1, 3, 7, len(body)):
        documents = ChunkedDocuments()
        found = []
        for start in range(0, len(body), piece):
            found += documents.feed(body[start : start + piece])
        assert found == [b'{"a": 1}', b'{"b": 2}', b'{"c": 3}'], piece
        assert documents.ended
