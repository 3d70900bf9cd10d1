"""Quitting: closing the window, Ctrl+Q and SIGTERM end the process at once and cleanly,
whether the engine is healthy or hung."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine_support import EngineUnderTest
from tests.fake_engines import fake_engine

REPO = Path(__file__).resolve().parents[2]
QUIT_BOUND = 5.0  # seconds; the app aims for under 2, the machine is noisy


def _start(host: str, tmp_path: Path, *flags: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOCKER_HOST=host,
               DOCKYARD_DATA_DIR=str(tmp_path / "data"))  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app.app", "--report-ready", *flags],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_ready(app: subprocess.Popen[str]) -> float:
    """Wait for the app to say its list is loaded; returns when it said so."""
    assert app.stdout is not None
    line = app.stdout.readline()
    assert line.strip() == "dockyard: containers listed", line
    return time.monotonic()


def _ended_cleanly(app: subprocess.Popen[str], since: float) -> float:
    try:
        app.wait(timeout=QUIT_BOUND + 30)
    except subprocess.TimeoutExpired:
        app.kill()
        app.wait()
        raise AssertionError("the app was still running 35 s after it was told to quit") from None
    took = time.monotonic() - since
    _out, err = app.communicate()
    assert app.returncode == 0, err
    assert "unexpected" not in err.lower(), err
    assert "Traceback" not in err, err
    assert took < QUIT_BOUND, f"quitting took {took:.1f} s"
    return took


@pytest.mark.parametrize("how", ["window", "shortcut"])
def test_closing_the_window_or_ctrl_q_ends_the_app(
    test_engine: EngineUnderTest, busybox_image: str, tmp_path: Path, how: str
) -> None:
    app = _start(test_engine.endpoint.host, tmp_path, "--close-when-ready", how)
    ready = _wait_ready(app)
    # The window closes 0.2 s after the list is shown.
    _ended_cleanly(app, ready + 0.2)


def test_sigterm_ends_the_app_like_closing_it(
    test_engine: EngineUnderTest, busybox_image: str, tmp_path: Path
) -> None:
    app = _start(test_engine.endpoint.host, tmp_path)
    _wait_ready(app)
    sent = time.monotonic()
    app.send_signal(signal.SIGTERM)
    _ended_cleanly(app, sent)


def test_quitting_while_a_hung_engine_holds_a_call(tmp_path: Path) -> None:
    with fake_engine(tmp_path / "hung.sock") as hung:
        app = _start(hung.host, tmp_path, "--engine", "system")
        deadline = time.monotonic() + 10
        while hung.connections < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the start-up check, then the connection's own probe
        assert hung.connections >= 2, "the app never asked the engine"
        sent = time.monotonic()
        app.send_signal(signal.SIGTERM)
        _ended_cleanly(app, sent)
