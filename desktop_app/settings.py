"""What Dockyard remembers between launches (window size and place, the pane, the Activity
drawer), in one INI file in the user's configuration folder. DOCKYARD_CONFIG_DIR puts it
elsewhere: the tests give their run a folder of its own."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings


def folder() -> Path:
    return Path(os.environ.get("DOCKYARD_CONFIG_DIR") or platformdirs.user_config_dir("dockyard"))


def store() -> QSettings:
    """The settings file (made when first written)."""
    return QSettings(str(folder() / "settings.ini"), QSettings.Format.IniFormat)
