"""The WSL 2 engine: on Windows, dockerd in a WSL 2 distribution of Dockyard's own, as Docker
Desktop runs it there, reached over TLS on 127.0.0.1 like the VM engine.

It shares the VM engine's guest (without a kernel: WSL brings its own), its TLS endpoint and
its lifecycle; `wsl.exe` does what QEMU does there: `--import` makes the distribution from
the root file system's tarball, `--exec` runs the engine in it (the wsl.exe process holds the
distribution up, and is started detached so the engine outlives the app), `--terminate` stops
it and `--list --verbose` says whether it runs.

Not run on Windows yet. Its tests drive it against a stand-in for wsl.exe on Linux.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engine_bridge.endpoints import Endpoint, TlsFiles
from engine_bridge.engines.base import Lifecycle
from engine_bridge.engines.bundled import data_dir
from engine_bridge.engines.managed import TlsEngineInVm, free_port, read_tail
from engine_bridge.engines.settings_file import SettingsApplied, SettingsFile
from engine_bridge.engines.vm.certificates import Certificates, certificates_in, make_certificates
from engine_bridge.engines.wsl import commands, root
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.specs.sizes import decimal_size

#: Windows' flags for a process that outlives the app and opens no console window.
_DETACHED = 0x00000008 | 0x00000200 | 0x08000000  # DETACHED, NEW_PROCESS_GROUP, NO_WINDOW


def available() -> bool:
    """Whether this computer has WSL (Windows with wsl.exe)."""
    return sys.platform == "win32" and shutil.which("wsl.exe") is not None


class WslEngine(TlsEngineInVm):
    """An engine in a WSL 2 distribution that Dockyard imports and runs."""

    label = "WSL 2 engine"
    kind = "wsl"

    def __init__(self, folder: Path | None = None, *, name: str = commands.DISTRIBUTION,
                 start_timeout: float = 120.0, stop_timeout: float = 30.0) -> None:  # fmt: skip
        super().__init__()
        #: Everything of Dockyard's for this engine: certificates, settings, the log, and
        #: the distribution's own disk (WSL keeps its ext4.vhdx in `disk_folder`).
        self.folder = folder if folder is not None else data_dir() / "wsl"
        self.name = name
        self._start_timeout = start_timeout
        self._stop_timeout = stop_timeout
        self.ready_after: float | None = self._state().get("ready_after")
        #: The wsl.exe that holds the distribution up, when this process started it.
        self._holder: subprocess.Popen[bytes] | None = None

    # --- where things are ----------------------------------------------------------------

    @property
    def tls_folder(self) -> Path:
        """The certificates and daemon.json the engine reads as it starts."""
        return self.folder / "tls"

    @property
    def disk_folder(self) -> Path:
        return self.folder / "distribution"

    @property
    def log_path(self) -> Path:
        return self.folder / "engine.log"

    @property
    def state_file(self) -> Path:
        return self.folder / "state.json"

    @property
    def certificates(self) -> Certificates:
        return certificates_in(self.tls_folder)

    @property
    def endpoint(self) -> Endpoint:
        certs = certificates_in(self.tls_folder)
        return Endpoint("wsl", f"tcp://127.0.0.1:{self.port or 0}", "wsl",
                        TlsFiles(certs.ca, certs.client_cert, certs.client_key),
                        description="Dockyard's engine in WSL 2")  # fmt: skip

    @property
    def settings(self) -> SettingsFile:  # type: ignore[override]
        """The engine's daemon.json, read by the engine each time it starts."""
        return SettingsFile(self.tls_folder / "daemon.json")

    def details(self) -> str:
        said = [f"Runs in the WSL 2 distribution {self.name}."]
        if self.ready_after is not None:
            said.append(f"Ready {self.ready_after:.0f} s after it was started.")
        disk = sum(f.stat().st_size for f in self.disk_folder.glob("*.vhdx"))
        if disk:
            said.append(f"Its disk takes {decimal_size(disk)} on this computer.")
        return " ".join(said)

    # --- wsl.exe -------------------------------------------------------------------------

    def _wsl(self, argv: list[str], timeout: float = 60.0) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(argv, capture_output=True, timeout=timeout, check=False,
                                  env={**os.environ, "WSL_UTF8": "1"})  # fmt: skip
        except FileNotFoundError as exc:
            raise EngineError(ErrorKind.PROVIDER, "WSL is not installed",
                              "The WSL 2 engine runs in the Windows Subsystem for Linux, and "
                              "wsl.exe is not on this computer.",
                              "Install it from an administrator's terminal: 'wsl --install "
                              "--no-distribution', then restart Windows.") from exc  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise EngineError(ErrorKind.PROVIDER, "WSL did not answer",
                              f"'{' '.join(argv)}' did not end within {timeout:.0f} s.",
                              "Try 'wsl --shutdown' in a terminal, then start the engine "
                              "again.") from exc  # fmt: skip

    def _failed(self, what: str, done: subprocess.CompletedProcess[bytes]) -> EngineError:
        said = commands.decode(done.stderr or done.stdout).replace("\x00", "").strip()
        return EngineError(ErrorKind.PROVIDER, what,
                           said[-500:] or f"wsl.exe ended with status {done.returncode}.",
                           "")  # fmt: skip

    def distribution(self) -> commands.Distribution | None:
        """Dockyard's distribution as WSL lists it (None when it is not imported)."""
        done = self._wsl(commands.list_command(), timeout=30)
        return commands.find(done.stdout, self.name) if done.returncode == 0 else None

    # --- blocking work -------------------------------------------------------------------

    def _running(self) -> bool:
        found = self.distribution()
        return found is not None and found.running and self._answers(5.0)

    def _launch(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.distribution() is None:
            self._import()
        if not certificates_in(self.tls_folder).complete():
            make_certificates(self.tls_folder, "Dockyard WSL engine")
        self.settings.ensure()
        port = free_port()
        self._keep_state(port=port)
        self._set_status(Lifecycle.STARTING, "Starting the engine in WSL 2")
        began = time.monotonic()
        try:
            folder = commands.distribution_path(str(self.tls_folder))
        except ValueError as exc:
            raise EngineError(ErrorKind.PROVIDER, "The WSL engine cannot read its files",
                              str(exc), "Keep Dockyard's data folder on a local drive "
                              "(DOCKYARD_DATA_DIR).") from exc  # fmt: skip
        argv = commands.run_command(self.name, "/usr/sbin/wsl-engine", folder, str(port))
        with self.log_path.open("wb") as log:
            detached: dict[str, Any] = (
                {"creationflags": _DETACHED} if sys.platform == "win32"
                else {"start_new_session": True}
            )  # fmt: skip
            process = self._holder = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, **detached)  # fmt: skip
        deadline = began + self._start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EngineError(ErrorKind.PROVIDER, "The engine in WSL 2 stopped while "
                                  "starting", self._last_words() or
                                  f"wsl.exe ended with status {process.returncode}.",
                                  f"Its whole log is {self.log_path}.")  # fmt: skip
            if self._answers(2.0):
                self.ready_after = time.monotonic() - began
                self._keep_state(port=port, ready_after=self.ready_after)
                self._set_status(Lifecycle.RUNNING)
                return
            time.sleep(0.5)
        self._terminate()
        raise EngineError(ErrorKind.PROVIDER, "The WSL engine did not answer in time",
                          f"Its engine did not answer within {self._start_timeout:.0f} s. "
                          f"{self._last_words()}".strip(),
                          f"Its whole log is {self.log_path}.")  # fmt: skip

    def _import(self) -> None:
        """Make the distribution from the root file system's tarball, with a disk that gives
        freed space back to Windows where this WSL can."""
        self._set_status(Lifecycle.STARTING, "Preparing the engine's distribution")
        tarball = root.find_or_build(
            self.folder / "cache", lambda said: self._set_status(Lifecycle.STARTING, said)
        )
        self.disk_folder.mkdir(parents=True, exist_ok=True)
        self._set_status(Lifecycle.STARTING, "Importing it into WSL 2")
        done = self._wsl(commands.import_command(self.name, str(self.disk_folder), str(tarball)),
                         timeout=600)  # fmt: skip
        if done.returncode != 0:
            raise self._failed("WSL did not import the engine's distribution", done)
        self._wsl(commands.sparse_command(self.name), timeout=60)  # older WSL: it only grows

    def stop_blocking(self) -> None:
        """The engine stops its containers and ends, then WSL stops the distribution."""
        with self._lock:
            found = self.distribution()
            if found is None or not found.running:
                self._set_status(Lifecycle.STOPPED)
                return
            self._set_status(Lifecycle.STOPPING)
            try:
                self._wsl(commands.run_command(self.name, "/usr/sbin/wsl-engine-stop"),
                          timeout=self._stop_timeout)  # fmt: skip
            finally:
                self._terminate()
            self._set_status(Lifecycle.STOPPED)

    def _terminate(self) -> None:
        """WSL stops the distribution; the wsl.exe that held it up then ends."""
        self._wsl(commands.terminate_command(self.name), timeout=30)
        holder, self._holder = self._holder, None
        if holder is not None:
            try:
                holder.wait(10)
            except subprocess.TimeoutExpired:
                holder.kill()
                holder.wait(5)

    def apply_settings_blocking(self, config: dict[str, Any]) -> SettingsApplied:
        """Save new engine settings; a running engine is restarted for them (it reads them
        only as it starts)."""
        found = self.distribution()
        return self._apply_by_restart(config, running=found is not None and found.running)

    def read_log_blocking(self, max_bytes: int = 256 * 1024) -> str:
        return read_tail(self.log_path, max_bytes).replace("\r\n", "\n")

    def _last_words(self, count: int = 3) -> str:
        lines = [line for line in self.read_log_blocking(16 * 1024).splitlines() if line.strip()]
        return " | ".join(lines[-count:])
