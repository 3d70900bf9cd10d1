"""A pytest plugin that makes Qt unimportable, for running the unit tests as a program with
no Qt would: `python -m pytest -p no:pytest-qt -p tests.no_qt tests/unit`.

engine_bridge promises to need no Qt (a command-line tool could use it), and the pure parts
of the app (row texts, escape codes) likewise; tests/test_no_qt.py runs the unit tests this
way. pytest-qt's settings in pyproject.toml are declared here, as pytest-qt is not loaded.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import pytest

BLOCKED = ("PySide6", "shiboken6", "qasync", "pyqtgraph", "pytestqt")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if fullname.split(".", 1)[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: these tests must run without Qt")
        return None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("qt_api", "pytest-qt's, unused without Qt")
    parser.addini("qt_log_level_fail", "pytest-qt's, unused without Qt")
    parser.addini("qt_log_ignore", "pytest-qt's, unused without Qt", type="linelist")


def pytest_configure(config: pytest.Config) -> None:
    loaded = [name for name in sys.modules if name.split(".", 1)[0] in BLOCKED]
    if loaded:
        raise pytest.UsageError(f"Qt was imported before the plugin could block it: {loaded}")
    sys.meta_path.insert(0, _NoQt())
