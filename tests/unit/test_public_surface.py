"""The app reaches the engine only through engine_bridge's public surface: the import
contracts check the modules it imports; this checks what no import contract can see."""

from __future__ import annotations

import re
from pathlib import Path

import engine_bridge

APP = Path(__file__).resolve().parents[2] / "desktop_app"


def test_the_app_never_reaches_the_sdk_client() -> None:
    uses = [
        f"{path.relative_to(APP.parent)}:{number}"
        for path in sorted(APP.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(sdk_client|_client)\b", line)
    ]
    assert uses == []


def test_every_public_name_is_importable() -> None:
    missing = [name for name in engine_bridge.__all__ if not hasattr(engine_bridge, name)]
    assert missing == []
