"""The unit tests pass with no Qt importable: engine_bridge, and the pure parts of the app,
need none (ARCHITECTURE.md, "Rules that keep the house standing")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_unit_tests_pass_with_no_qt_importable() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:pytest-qt",
         "-p", "tests.no_qt", "tests/unit"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]
