"""Each container action names the docker command that does the same, quoted for a shell."""

from __future__ import annotations

from engine_bridge.operations import OperationLog
from engine_bridge.resources import containers as ops
from engine_bridge.resources.containers import ContainerRef

WEB = ContainerRef(id="f" * 64, name="web")


def test_commands() -> None:
    assert ops.start_container(WEB).command == "docker start web"
    assert ops.stop_container(WEB, timeout=3).command == "docker stop -t 3 web"
    assert ops.stop_container(WEB).command == "docker stop web"
    assert ops.restart_container(WEB, timeout=0).command == "docker restart -t 0 web"
    assert ops.pause_container(WEB).command == "docker pause web"
    assert ops.unpause_container(WEB).command == "docker unpause web"
    assert ops.kill_container(WEB).command == "docker kill web"
    assert ops.kill_container(WEB, "SIGHUP").command == "docker kill --signal SIGHUP web"
    assert ops.remove_container(WEB, force=True, volumes=True).command == (
        "docker rm --force --volumes web"
    )


def test_command_is_quoted_for_a_shell() -> None:
    odd = ContainerRef(id="e" * 64, name="it's")
    assert ops.start_container(odd).command == "docker start 'it'\"'\"'s'"


def test_log_keeps_a_bounded_history_and_tells_listeners() -> None:
    log = OperationLog(keep=3)
    heard: list[str] = []
    log.subscribe(lambda op: heard.append(op.title))
    for _ in range(5):
        log.changed(ops.start_container(WEB))
    assert len(log.operations) == 3
    assert heard == ["Start web"] * 5
