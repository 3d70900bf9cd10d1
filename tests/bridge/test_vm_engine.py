"""The VM engine boots for real: its guest built from nothing out of Debian's packages, QEMU
under software emulation; a FROM-scratch busybox image built and run through it, its
published port reached from this computer; a clean stop, a start that finds the image again,
a killed QEMU recovered from, and a running VM adopted by another process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine_bridge.engines.base import Lifecycle, MachineSettings
from engine_bridge.engines.vm.provider import VmEngine
from engine_bridge.errors import EngineError
from engine_bridge.sdk import make_client
from tests.engine_support import BUSYBOX_IMAGE, TEST_LABEL, build_busybox_image


@pytest.fixture
def vm(tmp_path: Path) -> Iterator[VmEngine]:
    engine = VmEngine(tmp_path / "vm")
    engine.choose_machine(MachineSettings(cpus=2, memory_mib=1024, disk_gib=8))
    yield engine
    engine.stop_blocking()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(900)
def test_the_vm_engine_builds_boots_runs_stops_and_recovers(vm: VmEngine) -> None:
    vm.start_blocking()
    assert vm.status.state is Lifecycle.RUNNING
    assert vm.ready_after is not None
    assert vm.endpoint.host.startswith("tcp://127.0.0.1:")
    size, on_host = vm.data_disk_bytes()
    assert size == 8 * 2**30
    assert on_host < 200 * 2**20, "the data disk is sparse"

    client = make_client(vm.endpoint)
    try:
        build_busybox_image(client)
        port = _free_port()
        container = client.containers.run(
            BUSYBOX_IMAGE, ["httpd", "-f", "-p", "8080", "-h", "/etc"], detach=True,
            ports={"8080/tcp": port}, labels={TEST_LABEL: "1"},
        )  # fmt: skip
        _until(lambda: ("tcp", port) in vm.forwarded, 60, "the port's forward")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hostname", timeout=20) as answer:
            assert answer.read().decode().strip() == container.id[:12]
        container.remove(force=True)
        _until(lambda: ("tcp", port) not in vm.forwarded, 60, "the forward to go")
    finally:
        client.close()

    began = time.monotonic()
    vm.stop_blocking()
    assert time.monotonic() - began < 30, "a clean power-off, not the signals"
    assert vm.pid is None
    assert "dockyard: powering off" in vm.read_log_blocking()

    vm.start_blocking()
    client = make_client(vm.endpoint)
    try:
        assert client.images.get(BUSYBOX_IMAGE), "the data disk kept the image"
    finally:
        client.close()

    # Engine settings: the VM restarts for them; settings its engine refuses are undone, in
    # the engine's own words, and the VM runs on the previous ones.
    applied = vm.apply_settings_blocking({"labels": ["dockyard.test.vm=1"]})
    assert applied.how == "restart"
    client = make_client(vm.endpoint)
    try:
        assert "dockyard.test.vm=1" in client.info()["Labels"]
    finally:
        client.close()
    with pytest.raises(EngineError) as caught:
        vm.apply_settings_blocking({"log-driver": "local", "log-opts": {"max-sighs": "5"}})
    assert caught.value.title == "The engine did not start with the new settings"
    assert "max-sighs" in caught.value.message, caught.value.message
    assert vm.settings.read() == {"labels": ["dockyard.test.vm=1"]}
    assert vm.status.state is Lifecycle.RUNNING

    # A new process (the app started again) finds the VM running and adopts it.
    root = str(vm.paths.root)
    adopted = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from engine_bridge.engines.vm.provider import VmEngine; "
         "e = VmEngine(Path(sys.argv[1])); e.refresh(); print(e.status.state.value)", root],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert adopted.stdout.strip() == "running"

    # QEMU killed: the engine is said stopped, and starts again with its data.
    pid = vm.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    _until(lambda: vm.pid is None, 30, "QEMU to be gone")
    vm.refresh()
    assert vm.status.state is Lifecycle.STOPPED
    vm.start_blocking()
    client = make_client(vm.endpoint)
    try:
        assert client.images.get(BUSYBOX_IMAGE)
    finally:
        client.close()
