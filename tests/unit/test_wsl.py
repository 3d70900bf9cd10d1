"""WSL2: the commands Dockyard gives wsl.exe, and its listing read as Windows writes it."""

from __future__ import annotations

import pytest

from engine_bridge.engines.wsl.commands import (
    DISTRIBUTION,
    Distribution,
    distribution_path,
    find,
    import_command,
    list_command,
    parse_list,
    run_command,
    sparse_command,
    terminate_command,
)

_LISTING = (
    "  NAME                   STATE           VERSION\r\n"
    "* Ubuntu-22.04           Running         2\r\n"
    "  docker-desktop         Stopped         2\r\n"
    "  dockyard-engine        Stopped         2\r\n"
    "  Legacy                 Stopped         1\r\n"
)


def test_the_listing_in_utf16_as_wsl_exe_writes_it() -> None:
    for raw in (_LISTING.encode("utf-16-le"), _LISTING.encode("utf-16"),  # with a BOM
                _LISTING.encode("utf-8")):  # fmt: skip
        assert parse_list(raw) == [
            Distribution("Ubuntu-22.04", "running", 2, default=True),
            Distribution("docker-desktop", "stopped", 2, default=False),
            Distribution("dockyard-engine", "stopped", 2, default=False),
            Distribution("Legacy", "stopped", 1, default=False),
        ]
    ours = find(_LISTING.encode("utf-16-le"))
    assert ours is not None
    assert not ours.running


def test_other_languages_and_no_distributions() -> None:
    german = ("  NAME              STATUS            VERSION\r\n"
              "* dockyard-engine   Wird ausgeführt   2\r\n").encode("utf-16-le")  # fmt: skip
    [ours] = parse_list(german)
    assert (ours.name, ours.state, ours.version) == (DISTRIBUTION, "Wird ausgeführt", 2)
    none = "Windows Subsystem for Linux has no installed distributions.\r\n".encode("utf-16-le")
    assert parse_list(none) == []
    assert find(none) is None


def test_the_commands() -> None:
    assert import_command(DISTRIBUTION, r"C:\Users\a\AppData\Local\Dockyard\wsl",
                          r"C:\cache\rootfs.tar") == [
        "wsl.exe", "--import", "dockyard-engine", r"C:\Users\a\AppData\Local\Dockyard\wsl",
        r"C:\cache\rootfs.tar", "--version", "2",
    ]  # fmt: skip
    assert run_command(DISTRIBUTION, "/usr/bin/dockerd", "--tlsverify") == [
        "wsl.exe", "--distribution", "dockyard-engine", "--exec", "/usr/bin/dockerd",
        "--tlsverify",
    ]  # fmt: skip
    assert terminate_command(DISTRIBUTION) == ["wsl.exe", "--terminate", "dockyard-engine"]
    assert list_command() == ["wsl.exe", "--list", "--verbose"]


def test_windows_paths_as_the_distribution_sees_them() -> None:
    assert (distribution_path(r"C:\Users\Ada Lovelace\AppData\Local\dockyard\wsl\tls")
            == "/mnt/c/Users/Ada Lovelace/AppData/Local/dockyard/wsl/tls")  # fmt: skip
    assert distribution_path("D:/data/") == "/mnt/d/data"
    assert distribution_path("/home/ada/tls") == "/home/ada/tls"
    with pytest.raises(ValueError, match="network share"):
        distribution_path(r"\\server\share\dockyard")


def test_the_disk_is_made_to_give_space_back() -> None:
    assert sparse_command("dockyard-engine") == ["wsl.exe", "--manage", "dockyard-engine",
                                                 "--set-sparse", "true"]  # fmt: skip
