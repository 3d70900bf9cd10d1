"""The port doctor, one real container per cause: nothing listens, it listens only on the
container's 127.0.0.1, the wrong port was published, the port is not published, the host
port is taken (by another container, by another program), and a port that answers. Also an
image without `cat`, read from this computer's /proc."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from engine_bridge.bridge import EngineBridge
from engine_bridge.resources.containers import port_doctor
from engine_bridge.resources.containers.port_doctor import PortDiagnosis, diagnose_port
from tests.engine_support import BUSYBOX_BINARY, EngineUnderTest, build_files_image


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _diagnose(engine: EngineUnderTest, arun: Any, name: str, port: int) -> PortDiagnosis:
    async def ask() -> PortDiagnosis:
        bridge = EngineBridge(engine.endpoint)
        try:
            await bridge.connect()
            return await diagnose_port(bridge, name, port)
        finally:
            await bridge.close()

    return arun(ask())  # type: ignore[no-any-return]


def _wait_listening(cli: Callable[..., Any], name: str) -> None:
    cli("exec", name, "sh", "-c", "for i in $(seq 50); do grep -q ' 0A ' /proc/net/tcp* && "
        "exit 0; sleep 0.1; done; exit 1")  # fmt: skip


def test_each_cause_is_found_with_real_containers(
    test_engine: EngineUnderTest, busybox_image: str, cli: Callable[..., Any],
    label: list[str], name: str, arun: Any,
) -> None:  # fmt: skip
    def run(suffix: str, publish: list[str], *command: str) -> str:
        cli("run", "-d", *label, "--name", f"{name}-{suffix}", *publish, busybox_image, *command)
        return f"{name}-{suffix}"

    quiet = run("quiet", ["-p", "127.0.0.1::80"], "sleep", "300")
    found = _diagnose(test_engine, arun, quiet, 80)
    assert found.cause == port_doctor.NOTHING_LISTENS, found
    assert "listens on any port" in found.title

    inside = run("inside", ["-p", "127.0.0.1::80"], "httpd", "-f", "-p", "127.0.0.1:80")
    _wait_listening(cli, inside)
    found = _diagnose(test_engine, arun, inside, 80)
    assert found.cause == port_doctor.LOOPBACK_ONLY, found
    assert "127.0.0.1" in found.words
    assert "0.0.0.0" in found.hint

    elsewhere = run("elsewhere", ["-p", "127.0.0.1::80"], "httpd", "-f", "-p", "8080")
    _wait_listening(cli, elsewhere)
    found = _diagnose(test_engine, arun, elsewhere, 80)
    assert found.cause == port_doctor.WRONG_PORT, found
    assert "listens on 8080" in found.words

    serving = run("serving", ["-p", "127.0.0.1::80"], "httpd", "-f", "-p", "80")
    _wait_listening(cli, serving)
    found = _diagnose(test_engine, arun, serving, 80)
    assert found.cause == port_doctor.ANSWERS, found

    hidden = run("hidden", ["--expose", "80"], "httpd", "-f", "-p", "80")
    found = _diagnose(test_engine, arun, hidden, 80)
    assert found.cause == port_doctor.NOT_PUBLISHED, found
    assert "exposing only notes the port" in found.words

    # The host port taken by another container: the second cannot start, and who holds the
    # port is named.
    port = _free_port()
    holder = run("holder", ["-p", f"127.0.0.1:{port}:80"], "httpd", "-f", "-p", "80")
    late = f"{name}-late"
    cli("create", *label, "--name", late, "-p", f"127.0.0.1:{port}:80", busybox_image,
        "httpd", "-f", "-p", "80")  # fmt: skip
    assert cli("start", late, check=False).returncode != 0
    found = _diagnose(test_engine, arun, late, 80)
    assert found.cause == port_doctor.HOST_PORT_TAKEN, found
    assert f"the container {holder} publishes it already" in found.words
    assert f"Port {port} of this computer is taken" == found.title

    # Taken by a program of this computer.
    with socket.create_server(("127.0.0.1", 0)) as program:
        taken = program.getsockname()[1]
        blocked = f"{name}-blocked"
        cli("create", *label, "--name", blocked, "-p", f"127.0.0.1:{taken}:80", busybox_image,
            "httpd", "-f", "-p", "80")  # fmt: skip
        assert cli("start", blocked, check=False).returncode != 0
        found = _diagnose(test_engine, arun, blocked, 80)
    assert found.cause == port_doctor.HOST_PORT_TAKEN, found
    assert "another program on this computer uses it" in found.words

    stopped = f"{name}-stopped"
    cli("create", *label, "--name", stopped, "-p", "127.0.0.1::80", busybox_image, "true")
    assert _diagnose(test_engine, arun, stopped, 80).cause == port_doctor.NOT_RUNNING


def test_an_image_without_cat_is_read_from_this_computer(
    test_engine: EngineUnderTest, docker_client: Any, cli: Callable[..., Any],
    label: list[str], name: str, arun: Any,
) -> None:  # fmt: skip
    image = f"dockyard-test/bare-busybox:{name}"
    build_files_image(docker_client, image, {"busybox": BUSYBOX_BINARY.read_bytes()},
                      executables=("busybox",))  # fmt: skip
    try:
        cli("run", "-d", *label, "--name", name, "-p", "127.0.0.1::80", image,
            "/busybox", "httpd", "-f", "-p", "127.0.0.1:80")  # fmt: skip
        assert cli("exec", name, "cat", "/proc/net/tcp", check=False).returncode != 0, "no cat"
        deadline = time.monotonic() + 10
        found = _diagnose(test_engine, arun, name, 80)
        while found.cause == port_doctor.NOTHING_LISTENS and time.monotonic() < deadline:
            time.sleep(0.2)  # httpd is still starting
            found = _diagnose(test_engine, arun, name, 80)
        assert found.cause == port_doctor.LOOPBACK_ONLY, found
    finally:
        cli("rm", "-f", name, check=False)
        cli("rmi", "-f", image, check=False)
