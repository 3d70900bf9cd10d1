"""The VM engine: dockerd in a Linux VM that Dockyard builds and runs with QEMU, as Docker
Desktop does on macOS and Windows, reached over TLS on 127.0.0.1.

Everything is kept under one folder of the user's data directory: the guest (cached by what
went into it), the sparse data disk, the certificates, QEMU's pidfile, QMP socket and the
guest's console log, and the settings. QEMU runs daemonised, so the engine outlives the app
and is adopted at the next launch (its pid checked to be our QEMU, not a reused number).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine_bridge.endpoints import Endpoint, TlsFiles
from engine_bridge.engines.base import Lifecycle, MachineSettings
from engine_bridge.engines.bundled import data_dir
from engine_bridge.engines.managed import TlsEngineInVm, free_port, read_tail, wait_gone
from engine_bridge.engines.settings_file import SettingsApplied, SettingsFile
from engine_bridge.engines.vm import guest
from engine_bridge.engines.vm.certificates import Certificates, certificates_in, make_certificates
from engine_bridge.engines.vm.qmp import Qmp, QmpError
from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.sdk import make_client
from engine_bridge.specs.sizes import decimal_size

QEMU = "qemu-system-x86_64"

#: Megabytes of translated code QEMU keeps under software emulation.
TCG_CACHE_MIB = 256

#: The guest's engine port, forwarded to a free port on 127.0.0.1.
GUEST_ENGINE_PORT = 2376


@dataclass(frozen=True)
class VmPaths:
    root: Path

    @property
    def cache(self) -> Path:
        return self.root / "guest"

    @property
    def data_disk(self) -> Path:
        return self.root / "data.img"

    @property
    def certificates(self) -> Certificates:
        return certificates_in(self.root / "tls")

    @property
    def pidfile(self) -> Path:
        return self.root / "qemu.pid"

    @property
    def qmp(self) -> Path:
        return self.root / "qmp.sock"

    @property
    def console(self) -> Path:
        return self.root / "console.log"

    @property
    def state(self) -> Path:
        return self.root / "state.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"


def qemu_command(image: guest.GuestImage, paths: VmPaths, settings: MachineSettings, port: int,
                 accel: str = "tcg") -> list[str]:  # fmt: skip
    """The QEMU command line: headless, daemonised with a pidfile and a QMP socket; the
    engine disk read-only, the data disk with discard passed through (so space freed in the
    guest is given back to the host), user networking that forwards only to 127.0.0.1,
    memory that the guest reports free given back (virtio-balloon free page reporting), and
    the engine's certificates passed in through fw_cfg."""
    certs = paths.certificates
    fw_cfg = [("ca.pem", certs.ca), ("server-cert.pem", certs.server_cert),
              ("server-key.pem", certs.server_key),
              ("daemon.json", paths.root / "daemon.json")]  # fmt: skip
    argv = [
        QEMU, "-name", "dockyard-engine", "-machine", "q35",
        # Software emulation's translated-code cache defaults to 1 GiB, all of it resident
        # once filled; a quarter of that costs little speed.
        "-accel", "kvm" if accel == "kvm" else f"tcg,tb-size={TCG_CACHE_MIB}",
        "-cpu", "host" if accel == "kvm" else "max",
        "-smp", str(settings.cpus), "-m", str(settings.memory_mib),
        "-kernel", str(image.kernel), "-initrd", str(image.initramfs),
        "-append", "console=ttyS0 panic=-1 quiet", "-no-reboot",
        "-drive", f"if=virtio,file={image.engine_disk},format=raw,readonly=on",
        "-drive", f"if=virtio,file={paths.data_disk},format=raw,discard=unmap,"
                  "detect-zeroes=unmap",
        "-netdev", f"user,id=net0,hostfwd=tcp:127.0.0.1:{port}-:{GUEST_ENGINE_PORT}",
        "-device", "virtio-net-pci,netdev=net0",
        "-device", "virtio-balloon-pci,free-page-reporting=on",
        "-device", "virtio-rng-pci",
    ]  # fmt: skip
    for name, path in fw_cfg:
        argv += ["-fw_cfg", f"name=opt/dockyard/{name},file={path}"]
    argv += [
        "-qmp", f"unix:{paths.qmp},server=on,wait=off", "-serial", f"file:{paths.console}",
        "-display", "none", "-daemonize", "-pidfile", str(paths.pidfile),
    ]  # fmt: skip
    return argv


#: How long a probe boot with KVM may take to reach the guest kernel's end: a usable KVM gets
#: there in a second or two; one that opens but crawls (as a nested, paravirtual one may)
#: would make every start slower than software emulation.
KVM_PROBE_SECONDS = 12.0


def choose_accelerator(image: guest.GuestImage, cache: Path) -> str:
    """ "kvm" when a probe boot with it reaches the kernel's end in time, else "tcg" (software
    emulation). The answer is kept per boot of this computer (and per kernel)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    key = f"{boot}:{image.kernel.stat().st_mtime_ns}"
    kept = cache / "accelerator.json"
    try:
        known = json.loads(kept.read_text())
        if known.get("key") == key:
            return str(known["accel"])
    except (OSError, ValueError, KeyError):
        pass
    accel = "kvm" if _kvm_boots(image) else "tcg"
    kept.write_text(json.dumps({"key": key, "accel": accel}) + "\n")
    return accel


def _kvm_boots(image: guest.GuestImage) -> bool:
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    # No root file system: the kernel boots, finds none and ends (panic=-1, no reboot).
    argv = [QEMU, "-machine", "q35,accel=kvm", "-cpu", "host", "-m", "256", "-kernel",
            str(image.kernel), "-append", "console=ttyS0 panic=-1 root=/dev/nothing quiet",
            "-no-reboot", "-display", "none", "-serial", "null", "-nodefaults"]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, timeout=KVM_PROBE_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


class VmEngine(TlsEngineInVm):
    """An engine in a VM that Dockyard builds and runs with QEMU."""

    label = "VM engine"
    kind = "vm"

    def __init__(self, root: Path | None = None, *, boot_timeout: float = 240.0,
                 stop_timeout: float = 30.0) -> None:  # fmt: skip
        super().__init__()
        self.paths = VmPaths(root if root is not None else data_dir() / "vm")
        self._boot_timeout = boot_timeout
        self._stop_timeout = stop_timeout
        #: Seconds from QEMU's start to an answering engine, at the last start.
        self.ready_after: float | None = self._state().get("ready_after")
        #: Ports published in the VM that are forwarded to this computer's 127.0.0.1.
        self.forwarded: set[tuple[str, int]] = set()
        self._ports_client: Any = None
        #: "kvm" or "tcg", as chosen at the last start.
        self.accelerator: str | None = self._state().get("accel")

    # --- what it is --------------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.paths.state

    @property
    def certificates(self) -> Certificates:
        return self.paths.certificates

    @property
    def endpoint(self) -> Endpoint:
        certs = self.paths.certificates
        return Endpoint("vm", f"tcp://127.0.0.1:{self.port or 0}", "vm",
                        TlsFiles(certs.ca, certs.client_cert, certs.client_key),
                        description="Dockyard's engine in a VM")  # fmt: skip

    @property
    def pid(self) -> int | None:
        """QEMU's pid when our VM runs: the pidfile's, if that process is QEMU on our QMP
        socket (a pid left from before a reboot may belong to something else by now)."""
        try:
            pid = int(self.paths.pidfile.read_text().strip())
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        ours = any(str(self.paths.qmp).encode() in arg for arg in argv)
        return (
            pid if ours and Path(argv[0].decode(errors="replace")).name.startswith("qemu") else None
        )

    @property
    def settings(self) -> SettingsFile:  # type: ignore[override]
        """The engine's daemon.json, kept here and given to the guest at each boot."""
        return SettingsFile(self.paths.root / "daemon.json")

    def apply_settings_blocking(self, config: dict[str, Any]) -> SettingsApplied:
        """Save new engine settings; a running VM is restarted for them (the engine in the
        guest takes its file only as it starts)."""
        return self._apply_by_restart(config, running=self.pid is not None)

    def machine(self) -> MachineSettings:
        try:
            return MachineSettings(**json.loads(self.paths.settings.read_text()))
        except (OSError, ValueError, TypeError):
            return MachineSettings()

    def choose_machine(self, settings: MachineSettings) -> None:
        """Keep the VM's settings; a running VM takes them at its next start."""
        self.paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.paths.settings.write_text(json.dumps(asdict(settings), indent=2) + "\n")

    def details(self) -> str:
        """The honest figures: how long the last start took, and what the data disk really
        takes on this computer (it grows as images come and shrinks after a prune)."""
        settings = self.machine()
        size, used = self.data_disk_bytes()
        said = [f"{settings.cpus} CPUs, {settings.memory_mib / 1024:g} GiB of memory."]
        if self.ready_after is not None:
            said.append(f"Ready {self.ready_after:.0f} s after it was started"
                        + (" (software emulation: KVM is not usable here)."
                           if self.accelerator == "tcg" else "."))  # fmt: skip
        if size:
            said.append(f"Its data disk takes {decimal_size(used)} on this computer (it may "
                        f"grow to {decimal_size(size)}).")  # fmt: skip
        return " ".join(said)

    def data_disk_bytes(self) -> tuple[int, int]:
        """The data disk's size as the guest sees it, and the space it takes on the host."""
        try:
            stat = self.paths.data_disk.stat()
        except OSError:
            return 0, 0
        return stat.st_size, stat.st_blocks * 512

    # --- blocking work -------------------------------------------------------------------

    def _running(self) -> bool:
        return self.pid is not None and self._answers(5.0)

    def _adopt(self) -> None:
        self._follow_ports()

    def _launch(self) -> None:
        if shutil.which(QEMU) is None:
            raise EngineError(ErrorKind.PROVIDER, "QEMU is not installed",
                              f"The VM engine runs in a virtual machine, and {QEMU} is not on "
                              "this machine.", "Install it: on Debian or Ubuntu, "
                              "'apt-get install qemu-system-x86'.")  # fmt: skip
        if self.pid is not None:
            self._halt(self.pid)  # a VM whose engine does not answer: start it afresh
        self.paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._set_status(Lifecycle.STARTING, "Preparing the engine's guest")
        image = guest.build(self.paths.cache, lambda said: self._set_status(Lifecycle.STARTING,
                                                                             said))  # fmt: skip
        if not self.paths.certificates.complete():
            make_certificates(self.paths.root / "tls", "Dockyard VM engine")
        settings = self.machine()
        self.settings.ensure()
        self._ensure_data_disk(settings)
        port = free_port()
        self._keep_state(port=port)
        for stale in (self.paths.pidfile, self.paths.qmp):
            stale.unlink(missing_ok=True)
        self.paths.console.write_text("")
        self._set_status(Lifecycle.STARTING, "Checking whether this computer can run the VM "
                         "at full speed (KVM)")  # fmt: skip
        accel = choose_accelerator(image, self.paths.cache)
        self.accelerator = accel
        self._set_status(
            Lifecycle.STARTING,
            "Booting the VM"
            + ("" if accel == "kvm" else " (software emulation: KVM is not usable here)"),
        )
        began = time.monotonic()
        done = subprocess.run(qemu_command(image, self.paths, settings, port, accel),
                              capture_output=True, text=True, timeout=60, check=False,
                              start_new_session=True)  # fmt: skip
        if done.returncode != 0:
            raise EngineError(ErrorKind.PROVIDER, "QEMU did not start",
                              done.stderr.strip()[-500:] or f"It ended with {done.returncode}.",
                              "")  # fmt: skip
        deadline = began + self._boot_timeout
        while time.monotonic() < deadline:
            if self.pid is None:
                raise EngineError(ErrorKind.PROVIDER, "The VM stopped while starting",
                                  self._engine_words() or "Its console's last words: "
                                  f"{self._console_tail()}",
                                  f"The whole console log is {self.paths.console}.")  # fmt: skip
            if self._answers(2.0):
                self.ready_after = time.monotonic() - began
                self._keep_state(port=port, ready_after=self.ready_after, accel=accel)
                self._follow_ports()
                self._set_status(Lifecycle.RUNNING)
                return
            time.sleep(0.5)
        pid = self.pid
        if pid is not None:
            self._halt(pid)
        raise EngineError(ErrorKind.PROVIDER, "The VM engine did not answer in time",
                          f"Its engine did not answer within {self._boot_timeout:.0f} s. "
                          f"Console: {self._console_tail()}",
                          f"The whole console log is {self.paths.console}.")  # fmt: skip

    def _ensure_data_disk(self, settings: MachineSettings) -> None:
        """A sparse ext4 disk for /var/lib/docker: it takes on the host only what is used."""
        disk = self.paths.data_disk
        if disk.exists():
            if disk.stat().st_size < settings.disk_gib * 2**30:
                os.truncate(disk, settings.disk_gib * 2**30)  # the guest grows its file system
            return
        with disk.open("wb") as made:
            made.truncate(settings.disk_gib * 2**30)
        # A small journal: its blocks, once written, stay taken in the file (the default for
        # a disk this size is 256 MB or more).
        done = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-L", "dockyard-data",
                               "-J", "size=16", "-E",
                               "lazy_itable_init=1,lazy_journal_init=1,nodiscard", str(disk)],
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            disk.unlink(missing_ok=True)
            raise EngineError(ErrorKind.PROVIDER, "The VM's data disk could not be made",
                              done.stderr.strip(),
                              "Check the free space in your data folder.")  # fmt: skip

    def stop_blocking(self) -> None:
        with self._lock:
            pid = self.pid
            if pid is None:
                self._set_status(Lifecycle.STOPPED)
                return
            self._set_status(Lifecycle.STOPPING)
            self._unfollow_ports()
            self._halt(pid)
            self._set_status(Lifecycle.STOPPED)

    def _halt(self, pid: int) -> None:
        """ACPI power-off (the guest stops dockerd and its containers first), then QMP quit,
        then signals; each step bounded."""
        try:
            with Qmp(self.paths.qmp) as qmp:
                qmp.execute("system_powerdown")
        except QmpError:
            pass
        if wait_gone(pid, self._stop_timeout):
            return
        try:
            with Qmp(self.paths.qmp) as qmp:
                qmp.execute("quit")
        except QmpError:
            pass
        if wait_gone(pid, 5.0):
            return
        for which in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(pid, which)
            except ProcessLookupError:
                return
            if wait_gone(pid, 5.0):
                return

    # --- published ports ---------------------------------------------------------------

    def _follow_ports(self) -> None:
        """Forward every port a container publishes in the VM to the same port on this
        computer's 127.0.0.1, as long as it is published (as Docker Desktop does)."""
        if self._ports_client is not None:
            return
        try:
            client = make_client(self.endpoint, timeout=30)
        except EngineError:
            return
        self._ports_client = client
        threading.Thread(target=self._ports_loop, args=(client,), name="vm-ports",
                         daemon=True).start()  # fmt: skip

    def _ports_loop(self, client: Any) -> None:
        try:
            self._sync_ports(client)
            events = client.api.events(decode=True, filters={
                "type": "container", "event": ["start", "die", "destroy"]})  # fmt: skip
            for _event in events:
                self._sync_ports(client)
        except Exception:  # the VM stopped or the client was closed: forwarding ends with it
            pass
        finally:
            if self._ports_client is client:
                self._ports_client = None
                self.forwarded.clear()
            client.close()

    def _sync_ports(self, client: Any) -> None:
        published: set[tuple[str, int]] = set()
        for container in client.api.containers():
            for port in container.get("Ports") or []:
                if port.get("PublicPort") and port.get("IP", "0.0.0.0") in ("0.0.0.0", "::",
                                                                          "127.0.0.1"):  # fmt: skip
                    published.add((port.get("Type", "tcp"), int(port["PublicPort"])))
        with Qmp(self.paths.qmp) as qmp:
            for protocol, number in sorted(published - self.forwarded):
                said = qmp.monitor(f"hostfwd_add {protocol}:127.0.0.1:{number}-:{number}")
                if not said.strip():
                    self.forwarded.add((protocol, number))
            for protocol, number in sorted(self.forwarded - published):
                qmp.monitor(f"hostfwd_remove {protocol}:127.0.0.1:{number}")
                self.forwarded.discard((protocol, number))

    def _unfollow_ports(self) -> None:
        client, self._ports_client = self._ports_client, None
        self.forwarded.clear()
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    def forward_port(self, host_port: int, guest_port: int, protocol: str = "tcp") -> None:
        """Make a port published in the VM reachable on this computer's 127.0.0.1."""
        with Qmp(self.paths.qmp) as qmp:
            said = qmp.monitor(f"hostfwd_add {protocol}:127.0.0.1:{host_port}-:{guest_port}")
        if said.strip():
            raise EngineError(ErrorKind.PROVIDER, f"Port {host_port} cannot be forwarded",
                              said.strip(), "Another program may use that port here.")  # fmt: skip

    def read_log_blocking(self, max_bytes: int = 256 * 1024) -> str:
        """The end of the guest's console (the kernel's and the engine's own words)."""
        text = read_tail(self.paths.console, max_bytes)
        return _COLOURS.sub("", text).replace("\r\n", "\n")

    def _engine_words(self) -> str:
        """What the engine said when it failed to start (its fatal or error lines)."""
        marks = ("failed to start daemon", "level=fatal", "unable to configure the Docker daemon")
        lines = [line for line in self.read_log_blocking(64 * 1024).splitlines()
                 if line.startswith(("FATA", "ERRO")) or any(m in line for m in marks)]  # fmt: skip
        said = [line.split("]", 1)[-1].strip() if line.startswith(("FATA", "ERRO")) else line
                for line in lines]  # fmt: skip
        return " ".join(said[-2:])

    def _console_tail(self, count: int = 5) -> str:
        lines = [line for line in self.read_log_blocking(16 * 1024).splitlines() if line.strip()]
        return " | ".join(lines[-count:]) or "(nothing)"


#: The terminal colours the engine writes on the serial console, which is a terminal to it.
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
