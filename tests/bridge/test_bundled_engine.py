"""The bundled engine's refusals and bookkeeping, with a real dockerd on the machine."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.engines.base import Lifecycle
from engine_bridge.engines.bundled import BundledEngine, other_daemons
from engine_bridge.errors import EngineError
from tests.engine_support import TEST_LABEL, EngineUnderTest


def test_missing_dockerd_names_the_package(tmp_path: Path) -> None:
    engine = BundledEngine(tmp_path, dockerd="dockerd-that-is-not-installed")
    with pytest.raises(EngineError) as caught:
        engine.start_blocking()
    assert caught.value.title == "dockerd is not installed"
    assert "apt-get install docker.io" in caught.value.hint
    assert engine.status.state is Lifecycle.ERROR
    assert "not installed" in engine.status.message


def test_refuses_while_another_daemon_runs(test_engine: EngineUnderTest, tmp_path: Path) -> None:
    running = other_daemons()
    assert running, "the test engine is a dockerd on this machine"
    engine = BundledEngine(tmp_path)
    with pytest.raises(EngineError) as caught:
        engine.start_blocking()
    assert caught.value.title == "Another Docker daemon is already running"
    assert str(running[0]) in caught.value.message
    assert not (tmp_path / "docker.sock").exists()


def test_stale_pidfile_is_recognised(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    (tmp_path / "dockerd.pid").write_text(str(gone.pid))
    engine = BundledEngine(tmp_path)
    assert engine.pid is None
    engine.refresh()
    assert engine.status.state is Lifecycle.STOPPED
    engine.stop_blocking()  # nothing to stop: says so, and cleans up
    assert engine.status.state is Lifecycle.STOPPED


def test_rootless_prerequisites_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(os, "geteuid", lambda: 4242)
    monkeypatch.setattr(
        "engine_bridge.engines.bundled.ROOTLESS_SCRIPT_PLACES", (str(tmp_path / "none.sh"),)
    )
    engine = BundledEngine(tmp_path / "engine")
    with pytest.raises(EngineError) as caught:
        engine._rootless_script()
    assert caught.value.title == "The bundled engine cannot run without root yet"
    for needed in ("dockerd-rootless.sh", "rootlesskit", "uidmap", "/etc/subuid"):
        assert needed in caught.value.message


def test_the_log_is_readable(bundled_engine: BundledEngine) -> None:
    # The Engine page shows the end of the log; what dockerd wrote as it started may be
    # further back on an engine that has been running a while, so it is looked for in all.
    text = bundled_engine.read_log_blocking(4096)
    assert 0 < len(text.encode()) <= 4096
    assert "level=" in text, "dockerd's own lines"
    whole = bundled_engine.read_log_blocking(2**31)
    assert "API listen on" in whole
    assert str(bundled_engine.paths.socket) in whole


def test_a_bundled_engine_left_running_is_found_running(
    bundled_engine: BundledEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine_bridge.engines.choice import Preference, choose_blocking

    bundled_engine.start_blocking()
    # No system engine answers: the app falls back to its own, left running by an earlier run.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    choice = choose_blocking(Preference.ASK)
    assert isinstance(choice.provider, BundledEngine)
    assert choice.provider.paths == bundled_engine.paths
    assert not choice.start_bundled
    # A new provider for the same engine: it must say the engine runs (the Engine page
    # showed "Stopped." with Start enabled before).
    assert choice.provider.status.state is Lifecycle.RUNNING


def _group_nice(pid: int) -> int:
    """The nice value of the process's scheduler group (its session's autogroup)."""
    return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(),
                    reason="this kernel groups no processes by session")  # fmt: skip
def test_the_engine_gives_way_to_the_window_and_containers_do_not(
    bundled_engine: BundledEngine, docker_client: Any, busybox_image: str
) -> None:
    from engine_bridge.engines.bundled import ENGINE_NICENESS, _children

    bundled_engine.start_blocking()
    # A provider made for an engine left running (the app started again) lowers it too.
    again = BundledEngine(bundled_engine.paths.root)
    again.refresh()
    dockerd = again.pid
    assert dockerd is not None
    daemons = [dockerd, *_children(dockerd, "containerd")]
    assert len(daemons) == 2, "dockerd starts its own containerd"
    assert [_group_nice(pid) for pid in daemons] == [ENGINE_NICENESS] * 2
    # The user's containers keep the normal priority: the engine's is no part of theirs.
    container = docker_client.containers.run(
        busybox_image, ["sleep", "30"], detach=True, labels={TEST_LABEL: "1"}
    )
    try:
        container.reload()
        pid = container.attrs["State"]["Pid"]
        assert _group_nice(pid) == 0
        assert os.getpriority(os.PRIO_PROCESS, pid) == 0
    finally:
        container.remove(force=True)


@pytest.fixture
def settings_kept(bundled_engine: BundledEngine) -> Iterator[dict[str, Any]]:
    """The engine's settings as the test found them, put back (and taken) afterwards."""
    bundled_engine.start_blocking()
    before = bundled_engine.settings.read()
    yield before
    if bundled_engine.settings.read() != before or bundled_engine.pid is None:
        bundled_engine.apply_settings_blocking(before)
        bundled_engine.start_blocking()


def test_settings_that_apply_live_are_taken_without_a_restart(
    bundled_engine: BundledEngine, settings_kept: dict[str, Any], docker_client: Any
) -> None:
    pid = bundled_engine.pid
    label = "dockyard.test.settings=live"
    applied = bundled_engine.apply_settings_blocking(
        {**settings_kept, "labels": [label], "registry-mirrors": ["http://127.0.0.1:5999"]}
    )
    assert applied.how == "live"
    assert applied.changed == ("labels", "registry-mirrors")
    assert bundled_engine.pid == pid, "no restart"
    info = docker_client.info()
    assert label in info["Labels"]
    assert info["RegistryConfig"]["Mirrors"] == ["http://127.0.0.1:5999/"]
    assert not bundled_engine.settings.last_good.exists()


def test_a_reload_the_engine_refuses_puts_the_old_settings_back(
    bundled_engine: BundledEngine, settings_kept: dict[str, Any], docker_client: Any
) -> None:
    pid = bundled_engine.pid
    with pytest.raises(EngineError) as caught:
        bundled_engine.apply_settings_blocking({**settings_kept, "labels": ["no equals sign"]})
    assert caught.value.title == "The engine did not take the new settings"
    assert "no equals sign" in caught.value.message, "the engine's own words"
    assert bundled_engine.settings.read() == settings_kept
    assert bundled_engine.pid == pid
    assert "no equals sign" not in str(docker_client.info()["Labels"])


def test_settings_that_need_a_restart_restart_the_engine_and_a_failed_start_is_undone(
    bundled_engine: BundledEngine, settings_kept: dict[str, Any], docker_client: Any
) -> None:
    applied = bundled_engine.apply_settings_blocking(
        {**settings_kept, "log-driver": "local", "log-opts": {"max-size": "5m"}}
    )
    assert applied.how == "restart"
    assert docker_client.info()["LoggingDriver"] == "local"
    # Options the driver does not know: dockerd refuses to start with them.
    broken = {**settings_kept, "log-driver": "local", "log-opts": {"max-sighs": "5"}}
    taken = bundled_engine.settings.read()
    with pytest.raises(EngineError) as caught:
        bundled_engine.apply_settings_blocking(broken)
    assert caught.value.title == "The engine did not start with the new settings"
    assert "max-sighs" in caught.value.message
    assert bundled_engine.settings.read() == taken
    assert bundled_engine.pid is not None
    assert docker_client.info()["LoggingDriver"] == "local"
