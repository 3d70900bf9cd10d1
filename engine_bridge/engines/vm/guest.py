"""The VM engine's guest, built once from Debian's packages and cached by what went into it.

Three files make a guest: Debian's kernel; a small initramfs (the static busybox, the kernel
modules needed to read the engine disk, and an /init that switches to it); and the read-only
"engine disk", an ext4 image made without mounting anything (mke2fs -d) that holds dockerd,
containerd, runc, iptables and the libraries and modules they need, with the engine's own
init. The host needs apt (to download the packages, not install them), dpkg-deb and mke2fs;
not Docker.

Runc cannot pivot_root out of an initramfs, hence the switch to a real file system first.
The engine listens with TLS only; its certificates come in through QEMU's fw_cfg when it
boots, so the cached guest holds no secret.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine_bridge.errors import EngineError, ErrorKind

#: Bump when the way a guest is put together changes: cached guests are then rebuilt.
LAYOUT = 1

#: Debian's packages that go into the engine disk (dependencies named, not resolved: the
#: closure of shared libraries is checked after unpacking).
PACKAGES = (
    "docker.io", "containerd", "runc", "tini", "iptables", "busybox-static", "ca-certificates",
    "libc6", "libgcc-s1", "libdevmapper1.02.1", "libselinux1", "libpcre2-8-0", "libudev1",
    "libsystemd0", "liblz4-1", "liblzma5", "libzstd1", "libgcrypt20", "libgpg-error0", "libcap2",
    "libseccomp2", "libip4tc2", "libip6tc2", "libxtables12", "libnftnl11", "libmnl0",
    "libnetfilter-conntrack3", "libnfnetlink0",
)  # fmt: skip

#: The kernel: Debian's metapackage names the current image.
KERNEL_PACKAGE = "linux-image-amd64"

#: Modules the initramfs loads to read the engine disk, in no particular order.
BOOT_MODULES = ("virtio_pci", "virtio_blk", "ext4", "crc32c_generic", "qemu_fw_cfg")

#: Modules the engine loads from its disk: networking for containers, overlay, memory reporting.
ENGINE_MODULES = (
    "virtio_net", "virtio_balloon", "virtio_rng", "overlay", "bridge", "br_netfilter", "veth",
    "ip_tables", "iptable_filter", "iptable_nat", "ip6_tables", "ip6table_filter",
    "ip6table_nat", "nf_nat", "nf_conntrack", "xt_MASQUERADE", "xt_addrtype", "xt_conntrack",
    "xt_nat", "xt_tcpudp", "xt_comment", "xt_mark", "ipt_REJECT", "nf_reject_ipv4",
    "nf_conntrack_netlink", "xfrm_user",
    "button", "evdev",  # the ACPI power button, as an input device acpid reads
)  # fmt: skip

#: The engine asks modprobe for modules; only the ones on the engine disk can be had.
MODPROBE = r"""#!/bin/busybox sh
# Only the modules on the engine disk can be had; one that cannot is a failure, as the real
# modprobe's would be (the engine decides what to use by it).
status=0
for name in "$@"; do
  case "$name" in -*) continue ;; esac
  name=$(echo "$name" | /bin/busybox tr - _)
  [ -d "/sys/module/$name" ] && continue
  /bin/busybox insmod "/lib/modules/dockyard/$name.ko" 2>/dev/null || status=1
done
exit $status
"""

INIT = r"""#!/bin/busybox sh
# Dockyard's VM engine, first stage: load what reading the engine disk needs, then switch to it.
/bin/busybox mkdir -p /proc /sys /dev /engine
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
for module in $(/bin/busybox cat /modules); do
  /bin/busybox insmod "/modules.d/$module.ko" 2>/dev/null
done
tries=0
until /bin/busybox mount -t ext4 -o ro /dev/vda /engine; do
  tries=$((tries + 1))
  [ $tries -gt 100 ] && { echo "dockyard: the engine disk cannot be read"; /bin/busybox poweroff -f; }
  /bin/busybox sleep 0.1
done
/bin/busybox mount --move /proc /engine/proc
/bin/busybox mount --move /sys /engine/sys
/bin/busybox mount --move /dev /engine/dev
exec /bin/busybox switch_root /engine /sbin/engine-init
"""  # noqa: E501

ENGINE_INIT = r"""#!/bin/busybox sh
# Dockyard's VM engine: PID 1 on the read-only engine disk. Prepares what dockerd needs,
# starts it, and on the ACPI power button stops it and powers off cleanly.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
bb=/bin/busybox
for place in /run /tmp /var/run /var/log /etc/docker /mnt; do $bb mount -t tmpfs tmpfs "$place"; done
$bb mount -t cgroup2 none /sys/fs/cgroup
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs shm /dev/shm
for module in $($bb cat /etc/dockyard/modules); do $bb insmod "/lib/modules/dockyard/$module.ko" 2>/dev/null; done
$bb mkdir -p /var/lib/docker
$bb mount -t ext4 -o discard /dev/vdb /var/lib/docker || echo "dockyard: the data disk cannot be mounted"
$bb ip link set lo up
$bb ip link set eth0 up
$bb ip addr add 10.0.2.15/24 dev eth0
$bb ip route add default via 10.0.2.2
echo "nameserver 10.0.2.3" > /run/resolv.conf
$bb hostname dockyard-engine
config=/sys/firmware/qemu_fw_cfg/by_name/opt/dockyard
$bb mkdir -p /run/tls
for file in ca.pem server-cert.pem server-key.pem daemon.json; do
  [ -e "$config/$file/raw" ] && $bb cat "$config/$file/raw" > "/run/tls/$file"
done
$bb chmod 600 /run/tls/server-key.pem
[ -s /run/tls/daemon.json ] || echo "{}" > /run/tls/daemon.json
echo 1 > /proc/sys/net/ipv4/ip_forward
stop() {
  echo "dockyard: stopping the engine"
  [ -f /run/docker.pid ] && $bb kill -TERM "$($bb cat /run/docker.pid)"
  n=0
  while [ -f /run/docker.pid ] && $bb kill -0 "$($bb cat /run/docker.pid)" 2>/dev/null && [ $n -lt 200 ]; do
    $bb sleep 0.1; n=$((n + 1))
  done
  $bb sync
  $bb umount /var/lib/docker
  echo "dockyard: powering off"
  $bb poweroff -f
}
trap stop TERM USR2
printf '#!/bin/busybox sh\n/bin/busybox kill -USR2 1\n' > /run/power-button
$bb chmod +x /run/power-button
$bb mount -t tmpfs tmpfs /etc/acpi
$bb mkdir -p /etc/acpi/PWRF && $bb ln -s /run/power-button /etc/acpi/PWRF/00000080
$bb acpid -d >/dev/null 2>&1 &
# Memory the engine no longer uses goes back to the host (free page reporting), but the page
# cache is not free: when the CPUs were at least 90% idle over the last 30 s, drop the clean
# cache so that it is (the load average of an emulated VM rarely falls low enough to tell).
(cpu() { $bb awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
 set -- $(cpu); idle=$1; total=$2
 while $bb sleep 30; do
   set -- $(cpu)
   spent=$(($2 - total)); rested=$(($1 - idle)); idle=$1; total=$2
   [ "$spent" -gt 0 ] && [ $((rested * 100 / spent)) -ge 90 ] && echo 1 > /proc/sys/vm/drop_caches
 done) &
echo "dockyard: starting the engine"
dockerd --tlsverify --tlscacert /run/tls/ca.pem --tlscert /run/tls/server-cert.pem \
  --tlskey /run/tls/server-key.pem -H tcp://0.0.0.0:2376 -H unix:///run/docker.sock \
  --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid \
  --config-file /run/tls/daemon.json &
engine=$!
# PID 1 reaps whatever ends (orphans come to it) while the engine runs. An engine that ends
# by itself (settings it refuses, a crash) powers the VM off, so the host sees it at once.
while $bb kill -0 "$engine" 2>/dev/null; do wait "$engine"; done
echo "dockyard: the engine ended by itself"
$bb sync
$bb umount /var/lib/docker
$bb poweroff -f
"""  # noqa: E501


@dataclass(frozen=True)
class GuestImage:
    """A built guest: kernel, initramfs and engine disk, in `folder`."""

    folder: Path

    @property
    def kernel(self) -> Path:
        return self.folder / "vmlinuz"

    @property
    def initramfs(self) -> Path:
        return self.folder / "initramfs.gz"

    @property
    def engine_disk(self) -> Path:
        return self.folder / "engine.img"

    def complete(self) -> bool:
        return all(p.is_file() for p in (self.kernel, self.initramfs, self.engine_disk))


Step = Callable[[str], None]


def _run(*argv: str, cwd: Path | None = None, what: str = "") -> str:
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:
        raise _missing_tool(argv[0]) from exc
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise EngineError(ErrorKind.PROVIDER, f"The VM engine's guest could not be built: {what}",
                          " ".join(said) or f"{argv[0]} ended with status {done.returncode}.",
                          "Check the package sources (apt-get update) and disk space.")  # fmt: skip
    return done.stdout


def _missing_tool(tool: str) -> EngineError:
    package = {"apt-get": "apt", "apt-cache": "apt", "dpkg-deb": "dpkg",
               "mke2fs": "e2fsprogs"}.get(tool, tool)  # fmt: skip
    return EngineError(ErrorKind.PROVIDER, f"The VM engine needs {tool}",
                       f"Building the engine's guest uses {tool}, and it is not on this machine.",
                       f"Install it (on Debian: the package {package}).")  # fmt: skip


def kernel_package() -> str:
    """The kernel image package the metapackage points at (linux-image-6.1.0-NN-amd64)."""
    said = _run("apt-cache", "depends", KERNEL_PACKAGE, what="finding the kernel")
    found = re.search(r"Depends:\s*(linux-image-\S+)", said)
    if found is None:
        raise EngineError(ErrorKind.PROVIDER, "The VM engine's kernel cannot be found",
                          f"apt knows no package behind {KERNEL_PACKAGE}.",
                          "Run 'apt-get update' and try again.")  # fmt: skip
    return found.group(1)


def versions(packages: Iterable[str]) -> dict[str, str]:
    """The version apt would download of each package."""
    names = list(packages)
    said = _run("apt-cache", "show", "--no-all-versions", *names, what="reading versions")
    found: dict[str, str] = {}
    name = ""
    for line in said.splitlines():
        if line.startswith("Package: "):
            name = line.removeprefix("Package: ").strip()
        elif line.startswith("Version: ") and name:
            found.setdefault(name, line.removeprefix("Version: ").strip())
    missing = [n for n in names if n not in found]
    if missing:
        raise EngineError(ErrorKind.PROVIDER, "The VM engine's guest cannot be built",
                          f"apt knows no package {', '.join(missing)}.",
                          "Run 'apt-get update'; on a Debian release without them the VM "
                          "engine cannot be built yet.")  # fmt: skip
    return found


def cache_key(package_versions: dict[str, str]) -> str:
    """What identifies a guest: the packages' versions, the init scripts and the layout."""
    digest = hashlib.sha256()
    for name in sorted(package_versions):
        digest.update(f"{name}={package_versions[name]}\n".encode())
    for part in (INIT, ENGINE_INIT, MODPROBE, str(LAYOUT), *BOOT_MODULES, *ENGINE_MODULES):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def module_closure(modules_dir: Path, wanted: Iterable[str]) -> list[Path]:
    """The .ko files of `wanted` and of every module they depend on, each after what it
    needs (the order to load them in). Modules built into the kernel are skipped."""
    by_name = {p.stem.replace("-", "_"): p for p in modules_dir.rglob("*.ko")}
    ordered: list[Path] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        name = name.replace("-", "_")
        if name in seen or name not in by_name:
            return
        seen.add(name)
        for needed in _depends(by_name[name]):
            visit(needed)
        ordered.append(by_name[name])

    for name in wanted:
        visit(name)
    return ordered


def _depends(module: Path) -> list[str]:
    data = module.read_bytes()
    found = re.search(rb"\x00depends=([^\x00]*)\x00", data)
    if found is None or not found.group(1):
        return []
    return found.group(1).decode().split(",")


def write_initramfs(path: Path, files: dict[str, tuple[bytes, int]]) -> None:
    """A gzipped cpio archive ("newc", what the kernel unpacks) of `files`: archive path to
    (content, mode); folders are made for every path."""
    folders = sorted({str(Path(name).parents[i]) for name in files
                      for i in range(len(Path(name).parents) - 1)})  # fmt: skip
    entries = [(folder, b"", 0o040755) for folder in folders if folder not in (".", "")]
    entries += [(name, content, 0o100000 | mode) for name, (content, mode) in sorted(files.items())]
    out = bytearray()
    for number, (name, content, mode) in enumerate([*entries, ("TRAILER!!!", b"", 0)], 1):
        encoded = name.encode() + b"\x00"
        fields = (number if name != "TRAILER!!!" else 0, mode, 0, 0, 1 if mode & 0o100000 else 2,
                  0, len(content), 0, 0, 0, 0, len(encoded), 0)  # fmt: skip
        out += b"070701" + b"".join(f"{f:08X}".encode() for f in fields)
        out += encoded
        out += b"\x00" * (-len(out) % 4)
        out += content
        out += b"\x00" * (-len(out) % 4)
    with gzip.open(path, "wb", compresslevel=6) as archive:
        archive.write(bytes(out))


def missing_libraries(root: Path, programs: Iterable[str]) -> list[str]:
    """Shared libraries the programs (paths inside `root`) need that `root` lacks."""
    places = [root / "lib/x86_64-linux-gnu", root / "usr/lib/x86_64-linux-gnu", root / "lib64",
              root / "usr/lib"]  # fmt: skip
    missing: set[str] = set()
    todo = [root / p.lstrip("/") for p in programs]
    done: set[Path] = set()
    while todo:
        program = todo.pop()
        if program in done or not program.exists():
            continue
        done.add(program)
        said = subprocess.run(["readelf", "-d", str(program)], capture_output=True, text=True,
                              check=False).stdout  # fmt: skip
        for library in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", said):
            found = next((place / library for place in places if (place / library).exists()),
                         None)  # fmt: skip
            if found is None:
                missing.add(library)
            else:
                todo.append(found.resolve())
    return sorted(missing)


#: The programs the engine runs; their libraries must all be on the engine disk.
PROGRAMS = ("/usr/sbin/dockerd", "/usr/bin/containerd", "/usr/bin/containerd-shim-runc-v2",
            "/usr/sbin/runc", "/usr/sbin/xtables-legacy-multi",
            "/usr/sbin/docker-proxy")  # fmt: skip


def build(cache: Path, step: Step = lambda _said: None) -> GuestImage:
    """The guest for today's packages: from the cache when it is there, else built (about
    150 MB downloaded, a minute's work) and cached. Older guests in the cache are removed."""
    step("Finding the packages for the engine's guest")
    kernel = kernel_package()
    package_versions = versions([*PACKAGES, kernel])
    image = GuestImage(cache / f"guest-{cache_key(package_versions)}")
    if image.complete():
        return image
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix="dockyard-guest-", dir=cache) as temp:
        work = Path(temp)
        root = unpack_root(work, [*PACKAGES, kernel], step)
        step("Making the initramfs and the engine disk")
        staged = work / "image"
        staged.mkdir()
        _place_kernel_and_modules(root, staged)
        _make_engine_disk(root, staged / "engine.img")
        final = image.folder
        if final.exists():
            shutil.rmtree(final)
        staged.rename(final)
    for old in cache.glob("guest-*"):
        if old != image.folder:
            shutil.rmtree(old, ignore_errors=True)
    return image


def unpack_root(work: Path, packages: list[str], step: Step) -> Path:
    """The engine's root file system, unpacked from Debian's packages into `work`/root and
    finished as the packages' install scripts would have (the shared libraries checked)."""
    debs, root = work / "debs", work / "root"
    debs.mkdir()
    root.mkdir()
    step(f"Downloading {len(packages)} Debian packages")
    _run("apt-get", "download", "-q", *packages, cwd=debs, what="downloading packages")
    step("Unpacking them")
    for deb in sorted(debs.glob("*.deb")):
        _run("dpkg-deb", "-x", str(deb), str(root), what=f"unpacking {deb.name}")
    shutil.rmtree(debs)
    _finish_root(root)
    lacking = missing_libraries(root, PROGRAMS)
    if lacking:
        raise EngineError(ErrorKind.PROVIDER, "The engine's guest could not be built",
                          f"The engine's programs need {', '.join(lacking)}, which no "
                          "package of the guest brought.",
                          "This Debian release packs them differently: the guest's "
                          "package list needs them added.")  # fmt: skip
    return root


def _finish_root(root: Path) -> None:
    """What the packages' install scripts would have done, as far as the engine needs it."""
    for name in ("iptables", "ip6tables", "iptables-save", "iptables-restore", "ip6tables-save",
                 "ip6tables-restore"):  # fmt: skip
        link = root / "usr/sbin" / name
        link.unlink(missing_ok=True)
        link.symlink_to("xtables-legacy-multi")
    for top, points_to in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib")):
        place = root / top
        if not place.exists():
            place.symlink_to(points_to)
    engine_init = root / "usr/sbin/engine-init"
    engine_init.write_text(ENGINE_INIT)
    engine_init.chmod(0o755)
    if not (root / "sbin/engine-init").exists():
        (root / "sbin/engine-init").symlink_to("/usr/sbin/engine-init")
    for folder in ("proc", "sys", "dev", "run", "tmp", "var/run", "var/log", "var/lib/docker",
                   "etc/docker", "etc/dockyard", "etc/acpi", "mnt", "root"):  # fmt: skip
        place = root / folder
        if place.is_symlink():
            place.unlink()
        place.mkdir(parents=True, exist_ok=True)
    resolv = root / "etc/resolv.conf"
    resolv.unlink(missing_ok=True)
    resolv.symlink_to("/run/resolv.conf")
    (root / "etc/hostname").write_text("dockyard-engine\n")
    (root / "etc/os-release").write_text(
        'NAME="Dockyard VM engine"\nID=dockyard\n'
        'PRETTY_NAME="Dockyard VM engine (Debian packages)"\n'
    )
    modprobe = root / "usr/sbin/modprobe"
    modprobe.write_text(MODPROBE)
    modprobe.chmod(0o755)
    (root / "etc/hosts").write_text("127.0.0.1 localhost dockyard-engine\n")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (root / "etc/group").write_text("root:x:0:\ndocker:x:999:\n")
    for bulky in ("usr/share/doc", "usr/share/man", "usr/share/locale", "usr/share/info",
                  "usr/share/lintian", "usr/bin/dockerd-rootless.sh",
                  "usr/share/docker.io"):  # fmt: skip
        path = root / bulky
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def _place_kernel_and_modules(root: Path, staged: Path) -> None:
    boot = root / "boot"
    kernels = sorted(boot.glob("vmlinuz-*"))
    if not kernels:
        raise EngineError(ErrorKind.PROVIDER, "The VM engine's guest could not be built",
                          "The kernel package held no kernel.", "")  # fmt: skip
    shutil.copy(kernels[-1], staged / "vmlinuz")
    release = kernels[-1].name.removeprefix("vmlinuz-")
    modules = root / "usr/lib/modules" / release
    if not modules.exists():
        modules = root / "lib/modules" / release
    boot_modules = module_closure(modules, BOOT_MODULES)
    files: dict[str, tuple[bytes, int]] = {
        "init": (INIT.encode(), 0o755),
        "bin/busybox": (
            (root / "usr/bin/busybox").read_bytes()
            if (root / "usr/bin/busybox").exists()
            else (root / "bin/busybox").read_bytes(),
            0o755,
        ),
        "modules": ("\n".join(p.stem for p in boot_modules).encode(), 0o644),
    }
    for module in boot_modules:
        files[f"modules.d/{module.stem}.ko"] = (module.read_bytes(), 0o644)
    write_initramfs(staged / "initramfs.gz", files)
    # The engine's modules go on its disk; the rest of the kernel's (hundreds of MB) do not.
    engine_modules = module_closure(modules, ENGINE_MODULES)
    keep = root / "lib/modules/dockyard"
    keep.mkdir(parents=True)
    for module in engine_modules:
        shutil.copy(module, keep / module.name)
    (root / "etc/dockyard/modules").write_text("\n".join(p.stem for p in engine_modules) + "\n")
    shutil.rmtree(modules)
    shutil.rmtree(boot)


def _make_engine_disk(root: Path, image: Path) -> None:
    used = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink())
    size_mib = int(used / 2**20 * 1.25) + 64
    _run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "dockyard-engine", "-E", "root_owner=0:0",
         "-d", str(root), str(image), f"{size_mib}M", what="making the engine disk")  # fmt: skip
    os.chmod(image, 0o644)
