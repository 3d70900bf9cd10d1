"""The WSL 2 engine's root file system: the VM engine's guest without a kernel (WSL brings
Microsoft's), with a start script that `wsl --exec` runs, as a tarball for `wsl --import`.

Windows has no apt: the tarball is made on a Debian machine (`python -m
engine_bridge.engines.wsl.root OUT.tar.gz`) and shipped with the Windows build; the engine
looks for it where `shipped()` says.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tarfile
import tempfile
from pathlib import Path

from engine_bridge.engines.vm import guest
from engine_bridge.errors import EngineError, ErrorKind

#: The tarball's name where it is shipped.
TARBALL = "dockyard-wsl-engine.tar.gz"

#: Started by `wsl.exe --distribution dockyard-engine --exec /usr/sbin/wsl-engine FOLDER PORT`
#: and running as long as the engine does (WSL keeps a distribution up while a wsl.exe runs
#: in it).
START = r"""#!/bin/busybox sh
# Dockyard's engine in WSL 2. $1: the folder, as this distribution sees Windows' drives, that
# holds the engine's certificates and its daemon.json; $2: the port it listens on. WSL makes a
# port listened on here reachable on Windows' 127.0.0.1, published container ports included.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
bb=/bin/busybox
from="$1"; port="${2:-2376}"
if [ -f /run/docker.pid ] && $bb kill -0 "$($bb cat /run/docker.pid)" 2>/dev/null; then
  echo "dockyard: the engine runs already"; exit 3
fi
$bb mkdir -p /run/tls /var/lib/docker /var/log /tmp /etc/docker
for file in ca.pem server-cert.pem server-key.pem daemon.json; do
  [ -e "$from/$file" ] && $bb cat "$from/$file" > "/run/tls/$file"
done
[ -s /run/tls/server-key.pem ] || { echo "dockyard: no certificates in $from"; exit 2; }
$bb chmod 600 /run/tls/server-key.pem
[ -s /run/tls/daemon.json ] || echo "{}" > /run/tls/daemon.json
$bb grep -q " /sys/fs/cgroup " /proc/mounts || $bb mount -t cgroup2 none /sys/fs/cgroup
echo 1 > /proc/sys/net/ipv4/ip_forward
echo "dockyard: starting the engine"
exec dockerd --tlsverify --tlscacert /run/tls/ca.pem --tlscert /run/tls/server-cert.pem \
  --tlskey /run/tls/server-key.pem -H "tcp://0.0.0.0:$port" -H unix:///run/docker.sock \
  --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid \
  --config-file /run/tls/daemon.json
"""

#: Run before `wsl --terminate`: the engine stops its containers and ends cleanly.
STOP = r"""#!/bin/busybox sh
bb=/bin/busybox
[ -f /run/docker.pid ] || exit 0
engine=$($bb cat /run/docker.pid)
$bb kill -TERM "$engine" 2>/dev/null || exit 0
n=0
while $bb kill -0 "$engine" 2>/dev/null && [ $n -lt 200 ]; do $bb sleep 0.1; n=$((n + 1)); done
$bb sync
"""

#: WSL's settings for the distribution: no systemd, no Windows programs on the PATH, root.
WSL_CONF = """[boot]
systemd=false

[automount]
enabled=true
root=/mnt/

[network]
generateResolvConf=true
hostname=dockyard-engine

[interop]
enabled=false
appendWindowsPath=false

[user]
default=root
"""


def cache_key(package_versions: dict[str, str]) -> str:
    digest = hashlib.sha256(guest.cache_key(package_versions).encode())
    for part in (START, STOP, WSL_CONF):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def build(cache: Path, step: guest.Step = lambda _said: None) -> Path:
    """The root file system's tarball for today's packages: from the cache, else made (about
    100 MB downloaded). Older ones in the cache are removed."""
    step("Finding the packages for the engine's distribution")
    package_versions = guest.versions(guest.PACKAGES)
    tarball = cache / f"wsl-root-{cache_key(package_versions)}.tar.gz"
    if tarball.is_file():
        return tarball
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix="dockyard-wsl-", dir=cache) as temp:
        work = Path(temp)
        root = guest.unpack_root(work, list(guest.PACKAGES), step)
        step("Packing the distribution's root file system")
        _finish(root)
        partial = work / "root.tar.gz"
        pack(root, partial)
        partial.rename(tarball)
    for old in cache.glob("wsl-root-*.tar.gz"):
        if old != tarball:
            old.unlink(missing_ok=True)
    return tarball


def _finish(root: Path) -> None:
    """What differs from the VM's guest: WSL runs the kernel and writes resolv.conf."""
    for name, text in (("usr/sbin/wsl-engine", START), ("usr/sbin/wsl-engine-stop", STOP)):
        script = root / name
        script.write_text(text)
        script.chmod(0o755)
    (root / "etc/wsl.conf").write_text(WSL_CONF)
    (root / "etc/resolv.conf").unlink(missing_ok=True)
    (root / "usr/sbin/engine-init").unlink(missing_ok=True)
    (root / "sbin/engine-init").unlink(missing_ok=True)


def pack(root: Path, tarball: Path) -> None:
    """A gzipped tar of `root` as `wsl --import` takes it: paths from ./, everything owned
    by root, links kept as links."""

    def owned_by_root(member: tarfile.TarInfo) -> tarfile.TarInfo:
        member.uid = member.gid = 0
        member.uname = member.gname = "root"
        return member

    with tarfile.open(tarball, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as packed:
        packed.add(root, arcname=".", filter=owned_by_root)
    os.chmod(tarball, 0o644)


def shipped() -> Path | None:
    """The tarball that came with this Dockyard: `DOCKYARD_WSL_ROOT`, beside a frozen build's
    executable, or in the installation's share/dockyard."""
    configured = os.environ.get("DOCKYARD_WSL_ROOT")
    places = [Path(configured)] if configured else []
    places += [Path(sys.executable).parent / TARBALL,
               Path(sys.prefix) / "share" / "dockyard" / TARBALL]  # fmt: skip
    return next((place for place in places if place.is_file()), None)


def find_or_build(cache: Path, step: guest.Step = lambda _said: None) -> Path:
    """The tarball shipped with Dockyard, else one made here where apt can (Linux)."""
    found = shipped()
    if found is not None:
        return found
    try:
        return build(cache, step)
    except EngineError as exc:
        if "needs apt" not in exc.title:
            raise
    raise EngineError(ErrorKind.PROVIDER, "The WSL engine's distribution is missing",
                      f"This Dockyard came without {TARBALL}, the root file system the engine "
                      "runs in.",
                      "Reinstall Dockyard, or set DOCKYARD_WSL_ROOT to that file.")  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].endswith(".tar.gz"):
        print("usage: python -m engine_bridge.engines.wsl.root OUT.tar.gz", file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory(prefix="dockyard-wsl-cache-") as cache:
        made = build(Path(cache), lambda said: print(said, file=sys.stderr))
        made.replace(out)
    print(f"{out} ({out.stat().st_size / 10**6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
