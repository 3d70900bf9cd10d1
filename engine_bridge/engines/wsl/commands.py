"""WSL2 on Windows: the `wsl` commands that import, start, stop and list the distribution the
engine runs in, what `wsl --list --verbose` prints, read as Windows writes it, and Windows
paths as the distribution sees them.

Not run on Windows yet (this project's machines run Linux): what is checked here is the
commands built, the listing parsed (UTF-16 included) and the paths translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The name of the distribution Dockyard's engine runs in.
DISTRIBUTION = "dockyard-engine"

#: What wsl prints for a state, in English (other languages are kept as printed).
_STATES = {"running": "running", "stopped": "stopped", "installing": "installing",
           "uninstalling": "uninstalling", "converting": "converting"}  # fmt: skip


@dataclass(frozen=True)
class Distribution:
    name: str
    state: str  # "running", "stopped", ... or the words wsl printed in another language
    version: int  # 1 or 2
    default: bool

    @property
    def running(self) -> bool:
        return self.state == "running"


def import_command(name: str, folder: str, tarball: str) -> list[str]:
    """Make the distribution from the guest's root filesystem, as WSL 2."""
    return ["wsl.exe", "--import", name, folder, tarball, "--version", "2"]


def run_command(name: str, *argv: str) -> list[str]:
    """Run a program in the distribution (starting it if it is stopped)."""
    return ["wsl.exe", "--distribution", name, "--exec", *argv]


def sparse_command(name: str) -> list[str]:
    """Have the distribution's virtual disk give freed space back to Windows (WSL 2.0 and
    later; older ones refuse it, and the disk then only grows)."""
    return ["wsl.exe", "--manage", name, "--set-sparse", "true"]


def terminate_command(name: str) -> list[str]:
    return ["wsl.exe", "--terminate", name]


def unregister_command(name: str) -> list[str]:
    return ["wsl.exe", "--unregister", name]


def list_command() -> list[str]:
    return ["wsl.exe", "--list", "--verbose"]


def decode(output: bytes) -> str:
    """wsl.exe writes UTF-16 (little-endian, with or without a byte-order mark) unless
    WSL_UTF8=1 is set, when it writes UTF-8."""
    if output.startswith((b"\xff\xfe", b"\xfe\xff")):
        return output.decode("utf-16")
    if len(output) >= 2 and output[1:2] == b"\x00":
        return output.decode("utf-16-le", "replace")
    return output.decode("utf-8", "replace")


def parse_list(output: bytes | str) -> list[Distribution]:
    """The distributions in `wsl --list --verbose` output; none when it says there are none."""
    text = decode(output) if isinstance(output, bytes) else output
    text = text.replace("\x00", "").lstrip("\ufeff")
    found = []
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[1:]:  # the first is the heading (NAME STATE VERSION, in any language)
        default = line.lstrip().startswith("*")
        words = line.strip().lstrip("*").split()
        if len(words) < 3 or not re.fullmatch(r"[12]", words[-1]):
            continue
        state = " ".join(words[1:-1])
        found.append(Distribution(words[0], _STATES.get(state.lower(), state), int(words[-1]),
                                  default))  # fmt: skip
    return found


def distribution_path(path: str) -> str:
    """A Windows path as the distribution sees it (C:\\Users\\me -> /mnt/c/Users/me, with
    WSL's default mount root); a path that is already a Linux one is kept."""
    drive = re.match(r"([A-Za-z]):[\\/]", path)
    if drive is None:
        if path.startswith(("\\\\", "//")):
            raise ValueError(f"{path} is on a network share, which the engine's distribution "
                             "cannot read its files from")  # fmt: skip
        return path
    rest = path[3:].replace("\\", "/").strip("/")
    return f"/mnt/{drive.group(1).lower()}/{rest}".rstrip("/")


def find(output: bytes | str, name: str = DISTRIBUTION) -> Distribution | None:
    return next((d for d in parse_list(output) if d.name.lower() == name.lower()), None)
