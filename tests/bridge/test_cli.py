"""Running a command-line tool as an operation's work: its output line by line, aimed at the
engine in use, and stopped as Ctrl+C would when the user cancels."""

from __future__ import annotations

import threading
import time

from engine_bridge import cli
from engine_bridge.endpoints import Endpoint, TlsFiles


def test_output_comes_line_by_line_and_stop_ends_the_tool() -> None:
    heard: list[str] = []
    follow = cli.Follow(["sh", "-c", "echo one; echo two >&2; sleep 30; echo never"], None)
    started = threading.Event()

    def on_line(line: str) -> None:
        heard.append(line)
        if line == "two":
            started.set()

    result: list[cli.CliResult] = []
    worker = threading.Thread(target=lambda: result.append(follow.run(on_line)))
    began = time.monotonic()
    worker.start()
    assert started.wait(10)
    follow.stop()
    worker.join(15)
    assert not worker.is_alive()
    assert time.monotonic() - began < 10  # stopped, not waited out
    assert heard == ["one", "two"]
    assert not result[0].ok


def test_a_tool_is_aimed_at_the_engine_in_use() -> None:
    tls = TlsFiles(None, None, None)
    endpoint = Endpoint("remote", "tcp://10.0.0.5:2376", "context", tls)
    env = cli.environment(endpoint, {"DOCKER_CONTEXT": "other", "PATH": "/bin"})
    assert env["DOCKER_HOST"] == "tcp://10.0.0.5:2376"
    assert env["DOCKER_TLS_VERIFY"] == "1"
    assert "DOCKER_CONTEXT" not in env
    said = cli.said(cli.CliResult(("docker-compose",), 1, "Pulling...\nERROR: no such image\n"))
    assert said == "no such image"
