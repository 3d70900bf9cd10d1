"""An SSH server of the test's own on 127.0.0.1 in front of the test engine: a remote engine
reached over ssh://, as on another machine. Keys are made per test: the server's host key and
one client key it lets in. `ssh_config()` writes what a user's ~/.ssh/config would hold, and
`ssh_on_path()` puts an `ssh` first on PATH that reads it (the SDK and the docker CLI both run
plain `ssh`)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
SSH = "/usr/bin/ssh"


def _keygen(path: Path, comment: str) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                    str(path)], check=True, capture_output=True, timeout=30)  # fmt: skip


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        return False
    return True


class SshFront:
    def __init__(self, folder: Path, engine_socket: str) -> None:
        if not Path(SSHD).exists():
            raise RuntimeError("sshd is missing: scripts/test installs openssh-server")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.host_key = folder / "host_key"
        self.client_key = folder / "client_key"
        self.stranger_key = folder / "stranger_key"
        _keygen(self.host_key, "dockyard-test host")
        _keygen(self.client_key, "dockyard-test client")
        _keygen(self.stranger_key, "dockyard-test stranger")
        (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = folder / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {self.host_key}",
            f"PidFile {folder / 'sshd.pid'}", f"AuthorizedKeysFile {folder / 'authorized_keys'}",
            "StrictModes no", "UsePAM no", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
            f"SetEnv DOCKER_HOST=unix://{engine_socket}", "LogLevel ERROR",
        ]) + "\n")  # fmt: skip
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                                        stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 10
        while not _listening(self.port) and time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = self.process.stderr.read() if self.process.stderr else ""
                raise RuntimeError(f"sshd did not start: {said}")
            time.sleep(0.05)
        self.user = os.environ.get("USER") or "root"

    @property
    def host(self) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}"

    def known_hosts_line(self) -> str:
        key = (self.folder / "host_key.pub").read_text().split()
        return f"[127.0.0.1]:{self.port} {key[0]} {key[1]}\n"

    def ssh_config(self, name: str, *, knows_host: bool = True, key: Path | None = None) -> Path:
        """A client configuration: which key to offer and which host keys to trust."""
        known = self.folder / f"{name}_known_hosts"
        known.write_text(self.known_hosts_line() if knows_host else "")
        config = self.folder / f"{name}_ssh_config"
        config.write_text("\n".join([
            "Host 127.0.0.1", f"  IdentityFile {key or self.client_key}", "  IdentitiesOnly yes",
            f"  UserKnownHostsFile {known}", "  StrictHostKeyChecking yes",
            "  GlobalKnownHostsFile /dev/null",
        ]) + "\n")  # fmt: skip
        return config

    def ssh_on_path(self, config: Path) -> str:
        """A folder holding an `ssh` that uses `config`: put it first on PATH."""
        folder = config.with_suffix(".bin")
        folder.mkdir(exist_ok=True)
        shim = folder / "ssh"
        shim.write_text(f'#!/bin/sh\nexec {SSH} -F "{config}" "$@"\n')
        shim.chmod(0o755)
        return str(folder)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
