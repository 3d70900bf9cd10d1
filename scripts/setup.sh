# Dockyard's set-up, shared by scripts/start and scripts/test. Source it; do not run it.
# Idempotent: installs only what is missing, and reinstalls the project only when
# pyproject.toml changed since the last install.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$repo_root/.venv"

# Debian packages Dockyard needs on this machine: the engine (dockerd, containerd, runc and
# the CLI), the static busybox that test images are built from, a registry for pull/push
# tests (htpasswd from apache2-utils for its users), Compose, a D-Bus session bus and
# gnome-keyring (the Secret Service that keeps registry passwords; tests run a private one),
# what Qt needs to draw (offscreen, and on an X display through its xcb plugin: the
# libraries `ldd` names for libqxcb.so), and Xvfb, the X server the tests open windows on.
dockyard_xcb_packages=(
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
  libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
)
dockyard_debian_packages=(
  docker.io busybox-static docker-registry docker-compose apache2-utils
  dbus-daemon dbus-bin dbus-session-bus-common gnome-keyring
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  "${dockyard_xcb_packages[@]}" xvfb xauth
)

# What only the tests need: an SSH server that the tests run on 127.0.0.1 in front of the
# engine (engines on other machines over ssh://; its own service is not started), and QEMU,
# which the VM engine runs in (the app says what to install when a user chooses it).
dockyard_test_packages=(openssh-server qemu-system-x86)

dockyard_missing_packages() {
  local pkg missing=()
  for pkg in "${@:-${dockyard_debian_packages[@]}}"; do
    dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed \
      || missing+=("$pkg")
  done
  echo "${missing[@]}"
}

dockyard_install_packages() {
  if ! command -v dpkg-query >/dev/null; then
    echo "setup: this is not a Debian-like system; install Docker Engine, busybox (static)," >&2
    echo "setup: the Docker registry and docker-compose with your package manager." >&2
    return 0
  fi
  local missing
  missing=$(dockyard_missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing: $missing" >&2
    echo "setup: install them as root, then run this command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
    return 1
  fi
  echo "setup: installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

dockyard_python() {
  local py
  for py in python3.11 python3.12 python3.13 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "setup: Dockyard needs Python 3.11 or newer, and none was found on PATH." >&2
  return 1
}

dockyard_install_venv() {
  local py stamp want
  py=$(dockyard_python) || return 1
  if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating the virtual environment in .venv"
    "$py" -m venv "$venv" || {
      echo "setup: could not create a virtual environment; on Debian install python3-venv." >&2
      return 1
    }
  fi
  stamp="$venv/.dockyard-installed"
  want=$(sha256sum "$repo_root/pyproject.toml" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: installing Dockyard and its development tools into .venv"
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null &&
      "$venv/bin/python" -m pip install -q -e "$repo_root[dev]" || return 1
    echo "$want" >"$stamp"
  fi
}

# Why Qt could not open a window on this X display, or nothing: the libraries its xcb
# plugin needs that this machine lacks.
dockyard_missing_xcb_libraries() {
  local plugin
  plugin=$("$venv/bin/python" -c 'import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent / "Qt/plugins/platforms/libqxcb.so")' 2>/dev/null) || return 0
  [ -f "$plugin" ] || return 0
  ldd "$plugin" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' '
}

dockyard_setup() {
  dockyard_install_packages && dockyard_install_venv
}

# The test-only packages, installed without starting their services (a policy that refuses
# every service start while apt runs, as Debian's policy-rc.d mechanism allows).
dockyard_install_test_packages() {
  local policy=/usr/sbin/policy-rc.d placed=""
  [ -n "$(dockyard_missing_packages "${dockyard_test_packages[@]}")" ] || return 0
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && placed=1
  fi
  local status=0
  dockyard_install_packages "${dockyard_test_packages[@]}" || status=$?
  if [ -n "$placed" ]; then rm -f "$policy"; fi
  return $status
}
