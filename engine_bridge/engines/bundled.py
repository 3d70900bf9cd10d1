"""The bundled engine: a private dockerd that Dockyard runs and supervises itself.

It keeps everything under one folder of the user's data directory (or `DOCKYARD_DATA_DIR`):
its data root, exec root, pidfile, socket and log. As root it runs dockerd directly; as
another user it runs dockerd-rootless.sh, once the rootless prerequisites are there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from engine_bridge import priority
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.base import Lifecycle
from engine_bridge.engines.managed import ManagedEngine, read_tail, wait_gone
from engine_bridge.engines.probe import ping_socket
from engine_bridge.engines.settings_file import SettingsApplied, SettingsFile, restart_with
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.sdk import make_client
from engine_bridge.specs.daemon_settings import changed, needs_restart

#: How far below the desktop the engine's own daemons run. Only their scheduler groups are
#: lowered: containers start in sessions of their own and keep the normal priority, while
#: the engine's housekeeping (dockerd, containerd, the shims, runc and its hooks) gives way to
#: the window. Starting a container costs the engine a burst of CPU; on a machine with two
#: CPUs a burst of 20 held the window back by 60-130 ms at equal weight, under 40 ms lowered,
#: and the containers took as long to start either way.
ENGINE_NICENESS = 5

#: How long the engine gets to confirm that it took new settings on a reload signal.
RELOAD_SECONDS = 10.0

ROOTLESS_SCRIPT_PLACES = ("/usr/share/docker.io/contrib/dockerd-rootless.sh",)


def data_dir() -> Path:
    """Dockyard's data folder: `DOCKYARD_DATA_DIR`, else the platform's user data folder."""
    configured = os.environ.get("DOCKYARD_DATA_DIR")
    return Path(configured) if configured else platformdirs.user_data_path("dockyard")


@dataclass(frozen=True)
class BundledPaths:
    """Where the bundled engine keeps its files."""

    root: Path

    @property
    def data_root(self) -> Path:
        return self.root / "data"

    @property
    def exec_root(self) -> Path:
        return self.root / "exec"

    @property
    def pidfile(self) -> Path:
        return self.root / "dockerd.pid"

    @property
    def socket(self) -> Path:
        return self.root / "docker.sock"

    @property
    def log(self) -> Path:
        return self.root / "dockerd.log"


def _stat(pid: int) -> tuple[str, str, int] | None:
    """A process's command name, state letter and parent's PID; None when there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    state, parent = stat[stat.rindex(")") + 2 :].split(" ", 2)[:2]
    return name, state, int(parent)


def _process_name(pid: int) -> str | None:
    """The command name of a live process, or None when there is none (or a zombie)."""
    found = _stat(pid)
    return None if found is None or found[1] in ("Z", "X") else found[0]


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _children(pid: int, name: str) -> list[int]:
    """PIDs of the live children of `pid` called `name`."""
    return [child for child in _pids()
            if (found := _stat(child)) and found[2] == pid and found[0] == name]  # fmt: skip


def other_daemons(exclude: int | None = None) -> list[int]:
    """PIDs of dockerd processes on this machine other than `exclude`."""
    return sorted(pid for pid in _pids() if pid != exclude and _process_name(pid) == "dockerd")


class BundledEngine(ManagedEngine):
    """A dockerd run by Dockyard, with its own data root, exec root, socket and log."""

    label = "Bundled engine"
    kind = "bundled"
    settings_live = True

    def __init__(
        self,
        root: Path | None = None,
        *,
        dockerd: str = "dockerd",
        start_timeout: float = 60.0,
        stop_timeout: float = 20.0,
    ) -> None:
        super().__init__()
        self.paths = BundledPaths(root if root is not None else data_dir() / "engine")
        self._dockerd = dockerd
        self._start_timeout = start_timeout
        self._stop_timeout = stop_timeout

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(
            "bundled", f"unix://{self.paths.socket}", "bundled", description="Dockyard's own engine"
        )

    @property
    def pid(self) -> int | None:
        """The PID of our dockerd when it runs, else None."""
        try:
            pid = int(self.paths.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _process_name(pid) == "dockerd" else None

    @property
    def settings(self) -> SettingsFile:  # type: ignore[override]
        """The engine's own daemon.json (not the system's /etc/docker/daemon.json)."""
        return SettingsFile(self.paths.root / "daemon.json")

    @property
    def rootless(self) -> bool:
        return os.geteuid() != 0

    # --- blocking work ----------------------------------------------------------------

    def _running(self) -> bool:
        return self.pid is not None and ping_socket(self.paths.socket)

    def _adopt(self) -> None:
        self._give_way()

    def _launch(self) -> None:
        argv = self._command()
        self._clear_stale_files()
        for folder in (self.paths.root, self.paths.data_root, self.paths.exec_root):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.settings.ensure()
        env = dict(os.environ)
        if self.rootless and not env.get("XDG_RUNTIME_DIR"):
            env["XDG_RUNTIME_DIR"] = str(self.paths.root / "run")
            (self.paths.root / "run").mkdir(exist_ok=True, mode=0o700)
        with self.paths.log.open("ab") as log_file:
            log_file.write(f"\n--- Dockyard starts the engine at {time.ctime()} ---\n".encode())
        pid = self._spawn(argv, env)
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if _process_name(pid) is None:
                raise EngineError(
                    ErrorKind.PROVIDER,
                    "The bundled engine stopped while starting",
                    f"dockerd exited. Its last words: {self._last_log_lines()}",
                    f"The full log is {self.paths.log}.",
                )
            if ping_socket(self.paths.socket, timeout=0.5):
                self._give_way()
                self._set_status(Lifecycle.RUNNING)
                return
            time.sleep(0.1)
        self._kill(pid)
        raise EngineError(
            ErrorKind.PROVIDER,
            "The bundled engine did not answer in time",
            f"dockerd did not answer on {self.paths.socket} within {self._start_timeout:.0f} s.",
            f"Look at its log, {self.paths.log}.",
        )

    def _give_way(self) -> None:
        """Lower the scheduler groups of our dockerd and of the containerd it started."""
        pid = self.pid
        if pid is None:
            return
        for daemon in (pid, *_children(pid, "containerd")):
            priority.lower(daemon, ENGINE_NICENESS, process=False, group=True)

    def _spawn(self, argv: list[str], env: dict[str, str]) -> int:
        """Start dockerd detached from Dockyard, so it outlives the app; returns its PID.

        A shell in a new session starts it in the background and exits at once: dockerd is
        then nobody's child here, and its own session keeps terminal signals away from it.
        """
        launcher = subprocess.run(
            ["/bin/sh", "-c", '"$@" </dev/null >>"$DOCKYARD_ENGINE_LOG" 2>&1 & echo $!',
             "dockyard-engine", *argv],
            env={**env, "DOCKYARD_ENGINE_LOG": str(self.paths.log)},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            start_new_session=True,
            check=False,
        )  # fmt: skip
        try:
            return int(launcher.stdout.strip())
        except ValueError:
            raise EngineError(
                ErrorKind.PROVIDER,
                "The bundled engine could not be started",
                launcher.stderr.strip() or "The launcher printed no process ID.",
                f"Look at its log, {self.paths.log}.",
            ) from None

    def _command(self) -> list[str]:
        """The command line that starts dockerd, after checking that it can run here."""
        dockerd = shutil.which(self._dockerd)
        if dockerd is None:
            raise EngineError(
                ErrorKind.PROVIDER,
                "dockerd is not installed",
                "The bundled engine needs the Docker daemon, dockerd, and it is not on PATH.",
                "Install it: on Debian or Ubuntu, 'apt-get install docker.io'.",
            )
        others = other_daemons(exclude=self.pid)
        if others:
            raise EngineError(
                ErrorKind.PROVIDER,
                "Another Docker daemon is already running",
                f"dockerd with PID {', '.join(map(str, others))} runs on this machine; two "
                "daemons would fight over networks and firewall rules.",
                "Use that engine instead (choose the system engine), or stop it first.",
            )
        flags = [
            "--data-root", str(self.paths.data_root),
            "--exec-root", str(self.paths.exec_root),
            "--pidfile", str(self.paths.pidfile),
            "--host", f"unix://{self.paths.socket}",
            "--config-file", str(self.settings.path),
        ]  # fmt: skip
        if not self.rootless:
            return [dockerd, *flags]
        return [self._rootless_script(), *flags]

    def _rootless_script(self) -> str:
        script = shutil.which("dockerd-rootless.sh") or next(
            (p for p in ROOTLESS_SCRIPT_PLACES if Path(p).exists()), None
        )
        missing = []
        if script is None:
            missing.append("dockerd-rootless.sh (package docker.io)")
        if shutil.which("rootlesskit") is None:
            missing.append("rootlesskit (package rootlesskit)")
        if shutil.which("newuidmap") is None or shutil.which("newgidmap") is None:
            missing.append("newuidmap and newgidmap (package uidmap)")
        user = os.environ.get("USER") or str(os.geteuid())
        try:
            subuid = Path("/etc/subuid").read_text()
        except OSError:
            subuid = ""
        if not any(
            line.split(":", 1)[0] in (user, str(os.geteuid())) for line in subuid.splitlines()
        ):
            missing.append(f"a range of subordinate user IDs for {user} in /etc/subuid")
        if missing or script is None:
            raise EngineError(
                ErrorKind.PROVIDER,
                "The bundled engine cannot run without root yet",
                "Rootless Docker needs: " + "; ".join(missing) + ".",
                "Install those packages as an administrator and give the user ID ranges, for "
                "example 'usermod --add-subuids 100000-165535 "
                f"--add-subgids 100000-165535 {user}'.",
            )
        return script

    def _clear_stale_files(self) -> None:
        """A pidfile or socket left by a dockerd that is gone would stop the new one."""
        if self.paths.pidfile.exists() and self.pid is None:
            self.paths.pidfile.unlink(missing_ok=True)
        if self.paths.socket.exists() and self.pid is None:
            self.paths.socket.unlink(missing_ok=True)

    def stop_blocking(self) -> None:
        with self._lock:
            pid = self.pid
            if pid is None:
                self._set_status(Lifecycle.STOPPED)
                return
            self._set_status(Lifecycle.STOPPING)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            if not wait_gone(pid, self._stop_timeout):
                self._kill(pid)
            self.paths.pidfile.unlink(missing_ok=True)
            self._set_status(Lifecycle.STOPPED)

    def _kill(self, pid: int) -> None:
        """Kill dockerd and what it started with it (its managed containerd)."""
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if group != os.getpgrp():
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 5.0)

    # --- settings ----------------------------------------------------------------------

    def apply_settings_blocking(self, config: dict[str, Any]) -> SettingsApplied:
        """Save `config` as the engine's settings and have the engine take them: on a reload
        signal when every change applies live, else by a restart. When the engine does not
        take them, the last good settings go back (the engine restarted with them when it
        had stopped) and what the engine said is raised."""
        settings = self.settings
        before = settings.read()
        changes = tuple(changed(before, config))
        if not changes:
            return SettingsApplied((), "live")
        settings.replace(config)
        if self.pid is None:
            how = "next start"
        elif needs_restart(before, config) or not self._reads(settings):
            how = "restart"
            restart_with(settings, self.stop_blocking, self.start_blocking)
        else:
            how = "live"
            self._reload(settings)
        settings.settled()
        return SettingsApplied(changes, how)

    def _reads(self, settings: SettingsFile) -> bool:
        """Whether our running dockerd was started on this settings file (one started by an
        older Dockyard reads the system's, and takes ours only once restarted)."""
        try:
            argv = Path(f"/proc/{self.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return str(settings.path).encode() in argv

    def _reload(self, settings: SettingsFile) -> None:
        pid = self.pid
        assert pid is not None
        since = time.time()
        os.kill(pid, signal.SIGHUP)
        if self._reloaded_since(since):
            return
        said = self._log_since(since)
        settings.restore()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGHUP)
        raise EngineError(
            ErrorKind.PROVIDER,
            "The engine did not take the new settings",
            said or f"It did not confirm a reload within {RELOAD_SECONDS:.0f} s.",
            "The previous settings are back in place; the engine runs on with them.",
        )

    def _reloaded_since(self, since: float) -> bool:
        """Whether the engine announced a reload (its daemon "reload" event) since then;
        False as soon as it logs an error instead, or after RELOAD_SECONDS."""
        client = make_client(self.endpoint, timeout=int(RELOAD_SECONDS) + 5)
        try:
            deadline = time.monotonic() + RELOAD_SECONDS
            while time.monotonic() < deadline:
                events = client.api.events(
                    since=f"{since:.6f}", until=f"{time.time():.6f}", decode=True,
                    filters={"type": "daemon", "event": "reload"},
                )  # fmt: skip
                if any(True for _event in events):
                    return True
                if self._log_since(since):
                    return False
                time.sleep(0.1)
            return False
        finally:
            client.close()

    def _log_since(self, since: float) -> str:
        """The engine's error lines written since then, in its words."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(since)))
        lines = [
            line
            for line in self.read_log_blocking(64 * 1024).splitlines()
            if "level=error" in line and line.partition('time="')[2][:19] >= stamp
        ]
        said = [line.partition('msg="')[2].rstrip('"') or line for line in lines]
        return " ".join(said[-3:])

    def read_log_blocking(self, max_bytes: int = 256 * 1024) -> str:
        """The end of dockerd's log, at most `max_bytes`."""
        return read_tail(self.paths.log, max_bytes)

    def _last_log_lines(self, count: int = 5) -> str:
        lines = [line for line in self.read_log_blocking(16 * 1024).splitlines() if line.strip()]
        return " | ".join(lines[-count:]) or "(nothing)"
