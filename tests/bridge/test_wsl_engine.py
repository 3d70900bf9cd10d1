"""The WSL 2 engine's lifecycle, with a stand-in for wsl.exe (tests/fake_wsl.py) in front of
the real engine: the distribution imported once from the root file system's tarball with a
disk that gives space back, the engine started detached and known ready only when it answers
over TLS with its own certificates, adopted by another process, stopped cleanly, and its
failures said in words. Also the real root file system, built from Debian's packages: its
programs run from it."""

from __future__ import annotations

import os
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine_bridge.engines.base import Lifecycle
from engine_bridge.engines.wsl import root
from engine_bridge.engines.wsl.provider import WslEngine
from engine_bridge.errors import EngineError
from engine_bridge.sdk import make_client
from tests import fake_wsl
from tests.engine_support import EngineUnderTest

NAME = "dockyard-engine-test"


@pytest.fixture
def wsl_home(tmp_path: Path, test_engine: EngineUnderTest,
             monkeypatch: pytest.MonkeyPatch) -> Path:  # fmt: skip
    assert test_engine.endpoint.kind == "unix", "the TLS front stands before a local socket"
    home = tmp_path / "fake-wsl"
    for key, value in fake_wsl.install(home, test_engine.endpoint.address).items():
        monkeypatch.setenv(key, value)
    tree = tmp_path / "tiny-root"
    (tree / "usr/sbin").mkdir(parents=True)
    (tree / "usr/sbin/wsl-engine").write_text(root.START)
    tarball = tmp_path / root.TARBALL
    root.pack(tree, tarball)
    monkeypatch.setenv("DOCKYARD_WSL_ROOT", str(tarball))
    return home


@pytest.fixture
def wsl(tmp_path: Path, wsl_home: Path) -> Iterator[WslEngine]:
    engine = WslEngine(tmp_path / "wsl", name=NAME, start_timeout=30)
    yield engine
    engine.stop_blocking()


def _calls(home: Path) -> list[list[str]]:
    return list(fake_wsl.state(home)["calls"])


def test_the_wsl_engine_imports_once_starts_answers_is_adopted_and_stops(
    wsl: WslEngine, wsl_home: Path
) -> None:
    wsl.start_blocking()
    assert wsl.status.state is Lifecycle.RUNNING
    calls = _calls(wsl_home)
    imported = [c for c in calls if c[0] == "--import"]
    assert imported == [["--import", NAME, str(wsl.disk_folder), os.environ["DOCKYARD_WSL_ROOT"],
                         "--version", "2"]]  # fmt: skip
    assert ["--manage", NAME, "--set-sparse", "true"] in calls
    started = [c for c in calls if c[2:4] == ["--exec", "/usr/sbin/wsl-engine"]]
    assert started == [["--distribution", NAME, "--exec", "/usr/sbin/wsl-engine",
                        str(wsl.tls_folder), str(wsl.port)]]  # fmt: skip
    # The engine answers over TLS, with the certificates made for this install.
    assert wsl.endpoint.host == f"tcp://127.0.0.1:{wsl.port}"
    client = make_client(wsl.endpoint)
    try:
        assert client.version()["ApiVersion"]
    finally:
        client.close()
    assert "Runs in the WSL 2 distribution dockyard-engine-test" in wsl.details()
    assert "starting the engine" in wsl.read_log_blocking()

    # Another process of the app finds it running and takes it over.
    again = WslEngine(wsl.folder, name=NAME)
    again.refresh()
    assert again.status.state is Lifecycle.RUNNING

    wsl.stop_blocking()
    assert wsl.status.state.value == "stopped"
    after = _calls(wsl_home)[len(calls) :]
    stop_at = after.index(["--distribution", NAME, "--exec", "/usr/sbin/wsl-engine-stop"])
    assert ["--terminate", NAME] in after[stop_at:], "WSL stops the distribution after the engine"
    distribution = wsl.distribution()
    assert distribution is not None
    assert not distribution.running

    # Started again: the distribution is there, so nothing is imported a second time.
    wsl.start_blocking()
    assert wsl.status.state is Lifecycle.RUNNING
    assert len([c for c in _calls(wsl_home) if c[0] == "--import"]) == 1


def test_wsl_engine_settings_are_taken_by_a_restart(wsl: WslEngine, wsl_home: Path) -> None:
    assert wsl.apply_settings_blocking({"debug": True}).how == "next start"
    wsl.start_blocking()
    starts = len([c for c in _calls(wsl_home) if c[3:4] == ["/usr/sbin/wsl-engine"]])
    applied = wsl.apply_settings_blocking({"debug": False})
    assert applied.how == "restart"
    assert wsl.status.state is Lifecycle.RUNNING
    assert len([c for c in _calls(wsl_home) if c[3:4] == ["/usr/sbin/wsl-engine"]]) == starts + 1
    assert '"debug": false' in (wsl.tls_folder / "daemon.json").read_text()


def test_an_engine_that_fails_in_wsl_is_said_with_its_own_words(
    wsl: WslEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_WSL_ENGINE_FAILS", "failed to start daemon: pid file found")
    with pytest.raises(EngineError) as raised:
        wsl.start_blocking()
    assert raised.value.title == "The engine in WSL 2 stopped while starting"
    assert "pid file found" in raised.value.message
    assert wsl.status.state is Lifecycle.ERROR


def test_without_wsl_the_engine_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    engine = WslEngine(tmp_path / "wsl", name=NAME)
    with pytest.raises(EngineError) as raised:
        engine.start_blocking()
    assert raised.value.title == "WSL is not installed"
    assert "wsl --install" in raised.value.hint


@pytest.mark.timeout(600)
def test_the_root_file_system_is_built_from_debian_packages_and_its_engine_runs(
    tmp_path: Path,
) -> None:
    tarball = root.build(tmp_path / "cache")
    assert root.build(tmp_path / "cache") == tarball, "kept, not built again"
    with tarfile.open(tarball) as packed:
        members = {m.name: m for m in packed.getmembers()}
        assert {m.uid for m in members.values()} == {0}
        assert members["./usr/sbin/wsl-engine"].mode & 0o111
        assert members["./usr/sbin/wsl-engine-stop"].mode & 0o111
        for program in ("./usr/sbin/dockerd", "./usr/bin/containerd", "./usr/sbin/runc"):
            assert program in members, program
        assert not any(n.startswith(("./boot/", "./usr/lib/modules/")) for n in members), (
            "WSL brings its own kernel"
        )
        conf = packed.extractfile("./etc/wsl.conf")
        assert conf is not None
        assert b"systemd=false" in conf.read()
        unpacked = tmp_path / "unpacked"
        packed.extractall(unpacked, filter="fully_trusted")
    # Its programs run from it alone: every library they need is inside.
    for program in ("/usr/sbin/dockerd", "/usr/bin/containerd", "/usr/sbin/runc"):
        done = subprocess.run(["chroot", str(unpacked), program, "--version"],
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, (program, done.stderr)
    # The start script is one busybox's shell reads.
    done = subprocess.run(["chroot", str(unpacked), "/bin/busybox", "sh", "-n",
                           "/usr/sbin/wsl-engine"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
