"""A stand-in for Windows' wsl.exe, so that the WSL 2 engine's lifecycle runs on Linux: the
commands it is given are answered as wsl.exe answers them (its listing in UTF-16, as older
WSL writes it whatever WSL_UTF8 says), and the engine "in the distribution" is the test
engine behind a TLS front that uses the certificates the start script is given, on the port
it is given. Only what runs inside the distribution is stood in for.

Installed as `wsl.exe` in a folder put first on PATH (`install()`); its state and every call
it got are kept in FAKE_WSL_HOME/state.json.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

_HOME = Path(os.environ.get("FAKE_WSL_HOME", "."))


def install(folder: Path, upstream: str) -> dict[str, str]:
    """Put `wsl.exe` in `folder`; the environment that makes it the one found."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "wsl.exe"
    root = Path(__file__).resolve().parent.parent
    program.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(root)!r})\n"
        "from tests.fake_wsl import main\nraise SystemExit(main(sys.argv[1:]))\n"
    )
    program.chmod(0o755)
    return {"PATH": f"{folder}:{os.environ['PATH']}", "FAKE_WSL_HOME": str(folder),
            "FAKE_WSL_UPSTREAM": upstream}  # fmt: skip


def state(home: Path = _HOME) -> dict[str, Any]:
    try:
        return dict(json.loads((home / "state.json").read_text()))
    except (OSError, ValueError):
        return {"distributions": {}, "calls": []}


def _save(kept: dict[str, Any]) -> None:
    (_HOME / "state.json").write_text(json.dumps(kept, indent=1))


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return not stat[stat.rindex(")") + 2 :].startswith(("Z", "X"))


def _say(text: str) -> None:
    sys.stdout.buffer.write(text.replace("\n", "\r\n").encode("utf-16-le"))
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    kept = state()
    kept["calls"].append(argv)
    _save(kept)
    known = kept["distributions"]
    if argv[:2] == ["--list", "--verbose"]:
        if not known:
            _say("Windows Subsystem for Linux has no installed distributions.\n")
            return 1
        lines = ["  NAME            STATE           VERSION"]
        for name, facts in known.items():
            running = "Running" if _alive(facts.get("pid")) else "Stopped"
            lines.append(f"  {name:<15} {running:<15} 2")
        _say("\n".join(lines) + "\n")
        return 0
    if argv[:1] == ["--import"]:
        name, folder, tarball = argv[1:4]
        with tarfile.open(tarball) as packed:
            members = set(packed.getnames())
        if "./usr/sbin/wsl-engine" not in members:
            _say("The file is not a root file system this engine can start.\n")
            return 1
        known[name] = {"folder": folder, "tarball": tarball, "pid": None, "sparse": False}
        (Path(folder) / "ext4.vhdx").write_bytes(b"\0" * 4096)
        _save(kept)
        return 0
    if argv[:1] == ["--manage"]:
        known[argv[1]]["sparse"] = argv[2:] == ["--set-sparse", "true"]
        _save(kept)
        return 0
    if argv[:1] == ["--terminate"]:
        pid = known.get(argv[1], {}).get("pid")
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        return 0
    if argv[:1] == ["--distribution"] and argv[2] == "--exec":
        return _exec(kept, argv[1], argv[3:])
    _say(f"Invalid command line argument: {' '.join(argv)}\n")
    return 1


def _exec(kept: dict[str, Any], name: str, program: list[str]) -> int:
    facts = kept["distributions"].get(name)
    if facts is None:
        _say("There is no distribution with the supplied name.\n")
        return 1
    if program[0] == "/usr/sbin/wsl-engine-stop":
        pid = facts.get("pid")
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
            while _alive(pid):
                time.sleep(0.05)
        return 0
    if program[0] != "/usr/sbin/wsl-engine":
        return 127
    from engine_bridge.engines.vm.certificates import certificates_in
    from tests.tls_front import TlsFront

    folder, port = program[1], int(program[2])
    if os.environ.get("FAKE_WSL_ENGINE_FAILS"):  # an engine that refuses to start
        print(os.environ["FAKE_WSL_ENGINE_FAILS"], flush=True)
        return 1
    facts["pid"] = os.getpid()
    facts["engine_folder"] = folder
    _save(kept)
    print("dockyard: starting the engine", flush=True)
    front = TlsFront(os.environ["FAKE_WSL_UPSTREAM"], certificates_in(Path(folder)), port)
    stop = False

    def ended(_signal: int, _frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ended)
    while not stop:
        time.sleep(0.1)
    front.close()
    print("dockyard: the engine stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
