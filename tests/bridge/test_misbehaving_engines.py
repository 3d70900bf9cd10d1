"""Engines that misbehave: one that never answers is named as such within seconds, one that
answers an error or garbage is said to be no working Docker Engine, with what it answered;
and a stuck call never holds up letting go of the engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.local import SystemEngine
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.sdk import make_client
from engine_bridge.state import Connection, EngineState
from tests.bridge.helpers import until
from tests.fake_engines import ERROR_500, GARBAGE, fake_engine


def _endpoint(host: str) -> Endpoint:
    return Endpoint("test", host, "test")


def test_an_engine_that_never_answers_is_named_within_the_probe_time(tmp_path: Path) -> None:
    with fake_engine(tmp_path / "hung.sock") as hung:
        started = time.monotonic()
        with pytest.raises(EngineError) as caught:
            make_client(_endpoint(hung.host), probe_timeout=1.0)
        assert time.monotonic() - started < 3
    error = caught.value
    assert error.kind is ErrorKind.NOT_ANSWERING
    assert "does not answer" in error.title
    assert "accepted the connection" in error.message
    assert error.engine_unusable


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (ERROR_500, "HTTP 500 Internal Server Error: storage backend is broken"),
        (GARBAGE, "something that is not HTTP: SSH-2.0-OpenSSH"),
        (b"", "closed the connection without an answer"),
    ],
)
def test_an_engine_that_answers_wrongly_is_no_working_docker_engine(
    tmp_path: Path, reply: bytes, said: str
) -> None:
    with fake_engine(tmp_path / "wrong.sock", reply) as wrong:
        with pytest.raises(EngineError) as caught:
            make_client(_endpoint(wrong.host))
        system = SystemEngine(_endpoint(wrong.host))
        assert not system.check_blocking()
    error = caught.value
    assert error.kind is ErrorKind.NOT_DOCKER
    assert "not a working Docker Engine" in error.title
    assert said in error.message
    assert "Cannot reach" not in error.title
    assert said in system.status.message


def test_the_state_says_the_engine_hangs_and_lets_go_at_once(tmp_path: Path, arun: Any) -> None:
    async def scenario() -> None:
        with fake_engine(tmp_path / "hung.sock") as hung:
            bridge = EngineBridge(_endpoint(hung.host), probe_timeout=0.5)
            state = EngineState(bridge, backoff=(0.1,))
            state.start()
            try:
                await until(lambda: state.connection.status is Connection.LOST, 5, "lost")
                error = state.connection.error
                assert error is not None
                assert error.kind is ErrorKind.NOT_ANSWERING
                await until(lambda: state.connection.status is Connection.CONNECTING, 2, "again")
            finally:
                # A probe is in flight on a thread: letting go must not wait for it.
                started = time.monotonic()
                await state.stop()
                await bridge.close()
                assert time.monotonic() - started < 1.5

    arun(scenario())
