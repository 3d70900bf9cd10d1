"""Registry credentials, kept in the OS keyring and nowhere else.

A password is stored with `keyring` in a secure backend (the Secret Service of GNOME or
KDE, macOS Keychain, Windows Credential Locker). When only an insecure one is available (a
plain-text file, or none at all), the store refuses and says why: it never falls back to a
file. Which registries have a login is itself kept in the keyring, so nothing about them is
written to disk by Dockyard.

Logins made with `docker login` (auths and credential helpers in ~/.docker/config.json) are
not copied here: the docker SDK reads them itself when we have none of our own.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from engine_bridge.errors import EngineError, ErrorKind
from engine_bridge.specs.image_ref import DEFAULT_REGISTRY

log = logging.getLogger(__name__)

SERVICE = "dockyard"
_INDEX = "registries"
# Backends that keep secrets encrypted by the OS; anything else is refused.
_SECURE_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)
DOCKER_HUB_ADDRESS = "https://index.docker.io/v1/"


@dataclass(frozen=True)
class Credentials:
    """A login to one registry. `repr` leaves the password out."""

    registry: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials({self.registry!r}, {self.username!r}, password=...)"

    def auth_config(self) -> dict[str, str]:
        """What the engine takes in X-Registry-Auth."""
        return {
            "username": self.username,
            "password": self.password,
            "serveraddress": server_address(self.registry),
        }


def server_address(registry: str) -> str:
    """The address the engine expects for a registry host (Docker Hub has its own)."""
    host = registry or DEFAULT_REGISTRY
    return DOCKER_HUB_ADDRESS if host in (DEFAULT_REGISTRY, "index.docker.io") else host


def _is_secure(backend: Any) -> bool:
    module = type(backend).__module__
    if module == "keyring.backends.chainer":
        return any(_is_secure(b) for b in getattr(backend, "backends", ()))
    return module.startswith(_SECURE_MODULES)


def _usable(backend: Any) -> bool:
    """Secure, and answering now (a Secret Service needs its session bus)."""
    try:
        return _is_secure(backend) and float(backend.priority) > 0
    except Exception:  # keyring backends raise several kinds when they cannot work
        return False


def _secure_backend() -> Any | None:
    import keyring

    chosen = keyring.get_keyring()
    if _usable(chosen):
        return chosen
    # keyring picks its backend once per process; a session bus that appeared since (or a
    # choice made before it) must not leave us without the Secret Service.
    try:
        from keyring.backends import SecretService

        candidate = SecretService.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped here
        if _usable(candidate):
            return candidate
    except Exception as exc:  # keyring raises several kinds when a backend is not viable
        log.debug("Secret Service not usable: %s", exc)
    return None


class CredentialStore:
    """Registry logins in the OS keyring. Every method may block on D-Bus: run them off the
    event loop (the bridge does)."""

    def __init__(self, backend: Any | None = None) -> None:
        self._given = backend

    def backend(self) -> Any:
        """The secure keyring backend, or an EngineError that says there is none.

        Looked for anew each time: the keyring can come and go with the desktop session.
        """
        backend = self._given if self._given is not None else _secure_backend()
        if backend is None or not _usable(backend):
            raise EngineError(
                ErrorKind.CONFIG,
                "No secure keyring to keep the password in",
                "Dockyard keeps registry passwords only in the system keyring, and none "
                "answers here.",
                "Start a Secret Service (gnome-keyring or KWallet) in your desktop session, or "
                "log in with 'docker login' in a terminal: Dockyard uses those logins too.",
            )
        return backend

    def available(self) -> tuple[bool, str]:
        """Whether logins can be kept, and if not, why."""
        try:
            backend = self.backend()
        except EngineError as exc:
            return False, f"{exc.title}. {exc.hint}"
        return True, type(backend).__module__.rsplit(".", 1)[-1]

    def _index(self) -> dict[str, str]:
        text = self.backend().get_password(SERVICE, _INDEX)
        try:
            index = json.loads(text) if text else {}
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in index.items()} if isinstance(index, dict) else {}

    def _write_index(self, index: dict[str, str]) -> None:
        backend = self.backend()
        if index:
            backend.set_password(SERVICE, _INDEX, json.dumps(index, sort_keys=True))
        else:
            _delete(backend, SERVICE, _INDEX)

    def save(self, credentials: Credentials) -> None:
        backend = self.backend()
        host = credentials.registry or DEFAULT_REGISTRY
        try:
            backend.set_password(_service(host), credentials.username, credentials.password)
            index = self._index()
            old = index.get(host)
            if old is not None and old != credentials.username:
                _delete(backend, _service(host), old)
            index[host] = credentials.username
            self._write_index(index)
        except Exception as exc:
            raise EngineError(
                ErrorKind.CONFIG,
                "The keyring did not keep the password",
                type(exc).__name__,
                "Unlock the keyring of your desktop session (it may have asked for its "
                "password), then log in again.",
            ) from exc

    def get(self, registry: str) -> Credentials | None:
        """The login kept for a registry; None when there is none or no keyring answers
        (a pull then goes without, or with what docker login left)."""
        host = registry or DEFAULT_REGISTRY
        try:
            backend = self.backend()
            username = self._index().get(host)
            if username is None:
                return None
            password = backend.get_password(_service(host), username)
        except EngineError as exc:  # no secure keyring here: no Dockyard logins either
            log.debug("no login for %s: %s", host, exc)
            return None
        except Exception as exc:
            log.warning("could not read the login for %s from the keyring: %r", host, exc)
            return None
        return Credentials(host, username, password) if password is not None else None

    def remove(self, registry: str) -> bool:
        """Forget the login to a registry; False when there was none."""
        host = registry or DEFAULT_REGISTRY
        index = self._index()
        username = index.pop(host, None)
        if username is None:
            return False
        _delete(self.backend(), _service(host), username)
        self._write_index(index)
        return True

    def registries(self) -> dict[str, str]:
        """Registry host to user name, for every login kept here."""
        try:
            return self._index()
        except Exception:
            return {}


def _service(host: str) -> str:
    return f"{SERVICE}:registry:{host}"


def _delete(backend: Any, service: str, username: str) -> None:
    import keyring.errors

    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        backend.delete_password(service, username)
