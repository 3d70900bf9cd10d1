"""A real registry for tests: Debian's docker-registry on 127.0.0.1 with htpasswd auth, and a
real Secret Service keyring (gnome-keyring on a private D-Bus session bus).

Both run as child processes in a temporary folder and are stopped afterwards. Neither is
mocked: the engine pulls from and pushes to the registry over loopback, and keyring talks
to gnome-keyring over D-Bus, as on a desktop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGISTRY_BINARY = "docker-registry"
USER = "dockyard"
# A password made for this run only; it is what the tests look for on disk and in logs.
PASSWORD_PREFIX = "pw-"


@dataclass(frozen=True)
class LocalRegistry:
    """A running registry: `host` is what image references start with (127.0.0.1:port)."""

    host: str
    username: str
    password: str
    storage: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry ended at once:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("docker-registry did not listen within 15 s")


@contextlib.contextmanager
def local_registry(folder: Path, auth: bool = True) -> Iterator[LocalRegistry]:
    """Start docker-registry on a free loopback port with one htpasswd user (or, without
    `auth`, open to anyone: as a mirror the engine pulls through, which sends no login)."""
    binary = shutil.which(REGISTRY_BINARY)
    if binary is None:
        raise RuntimeError("docker-registry is missing: the test command installs it (Debian).")
    htpasswd = shutil.which("htpasswd")
    if htpasswd is None:
        raise RuntimeError("htpasswd is missing: the test command installs apache2-utils.")
    password = PASSWORD_PREFIX + os.urandom(9).hex()
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "htpasswd"
    subprocess.run([htpasswd, "-Bbc", str(users), USER, password], check=True,
                   capture_output=True)  # fmt: skip
    port = _free_port()
    storage = folder / "storage"
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
        + (f"auth:\n  htpasswd:\n    realm: dockyard-test\n    path: {users}\n" if auth else "")
    )
    log = folder / "registry.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "serve", str(config)], stdout=out, stderr=out)
    try:
        _wait_for_port(port, process, log)
        yield LocalRegistry(f"127.0.0.1:{port}", USER, password, storage)
    finally:
        _stop(process)


@dataclass(frozen=True)
class SecretService:
    """A private D-Bus session bus with gnome-keyring's Secret Service on it, unlocked."""

    bus_address: str
    data_home: Path


@contextlib.contextmanager
def secret_service(folder: Path) -> Iterator[SecretService]:
    """Start a session bus and gnome-keyring-daemon for it, with an unlocked login keyring."""
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: the test command installs it (Debian).")
    runtime = folder / "run"
    data_home = folder / "data"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    data_home.mkdir(parents=True, exist_ok=True)
    socket_path = runtime / "bus"
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile",
         f"--address=unix:path={socket_path}", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    keyring_daemon: subprocess.Popen[bytes] | None = None
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start a session bus")
        env = dict(
            os.environ,
            DBUS_SESSION_BUS_ADDRESS=address,
            XDG_RUNTIME_DIR=str(runtime),
            XDG_DATA_HOME=str(data_home),
            HOME=str(folder),
        )
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(os.urandom(12).hex().encode())
        keyring_daemon.stdin.close()
        _wait_for_secrets(address)
        yield SecretService(address, data_home)
    finally:
        for process in (keyring_daemon, bus):
            if process is not None:
                _stop(process)
        if bus.stdout is not None:
            bus.stdout.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_secrets(address: str) -> None:
    """Wait until org.freedesktop.secrets answers on the bus."""
    deadline = time.monotonic() + 15
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
    while time.monotonic() < deadline:
        done = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if "org.freedesktop.secrets" in done.stdout:
            return
        time.sleep(0.05)
    raise RuntimeError("gnome-keyring did not offer the Secret Service within 15 s")


#: The Docker Hub name the stand-in is served under, as the first-run guide pulls it.
HUB_STAND_IN = "nginx:alpine"

_STAND_IN_DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY index.html /usr/share/nginx/html/index.html
EXPOSE 80
LABEL {label}=1
CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -vv -p 80 -h /usr/share/nginx/html & wait"]
"""


def push_hub_stand_in(client: Any, mirror: LocalRegistry, label: str, busybox: Path) -> str:
    """A small web server FROM scratch (busybox's httpd and shell; like nginx, it ends at once
    when asked to stop), pushed to the mirror as
    Docker Hub's library/nginx:alpine; nothing of it is left on the engine. Returns the name
    a pull through the mirror uses."""
    repository, tag = HUB_STAND_IN.split(":")
    target = f"{mirror.host}/library/{repository}:{tag}"
    with tempfile.TemporaryDirectory(prefix="dockyard-stand-in-") as context:
        folder = Path(context)
        shutil.copy(busybox, folder / "busybox")
        (folder / "index.html").write_text(
            "<!doctype html><title>Welcome</title><h1>It works: a page from a container</h1>\n"
        )
        (folder / "Dockerfile").write_text(_STAND_IN_DOCKERFILE.format(label=label))
        client.images.build(path=context, tag=target, rm=True, forcerm=True)
    for line in client.api.push(target, stream=True, decode=True):
        if "error" in line:
            raise RuntimeError(f"pushing the stand-in failed: {line['error']}")
    client.api.remove_image(target, force=True)
    return HUB_STAND_IN
