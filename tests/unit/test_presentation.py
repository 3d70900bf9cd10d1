"""Figures written as the docker CLI writes them."""

from __future__ import annotations

from desktop_app.presentation import binary_size, decimal_size, percent


def test_sizes_and_percentages_read_like_docker_stats() -> None:
    assert binary_size(0) == "0B"
    assert binary_size(576 * 1024) == "576KiB"
    assert binary_size(1.207 * 2**20) == "1.207MiB"
    assert binary_size(1023.7 * 2**20) == "1024MiB"  # four digits still fit
    assert binary_size(23.54 * 2**30) == "23.54GiB"
    assert decimal_size(626) == "626B"
    assert decimal_size(1_500_000) == "1.5MB"
    assert decimal_size(999_999) == "1MB", "rounding carries into the next unit"
    assert decimal_size(1_985_000) == "1.99MB", "three digits, as docker images shows"
    assert binary_size(1023.99 * 2**20) == "1024MiB"
    assert percent(100.479) == "100.48%"
    assert percent(0) == "0.00%"


def test_counts_say_their_noun_in_the_right_number() -> None:
    from desktop_app.presentation import counted

    assert counted(1, "unused image") == "1 unused image"
    assert counted(3, "unused image") == "3 unused images"
    assert counted(0, "entry", "entries") == "0 entries"
