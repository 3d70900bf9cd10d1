"""One error type for everything that can go wrong with an engine, in human words.

`EngineError` carries a short title, the engine's own message and a hint that says what to
do. `explain()` turns any exception raised by the docker SDK, requests or the OS into one.
"""

from __future__ import annotations

import contextlib
import enum
import http.client
import re
import ssl
from typing import TYPE_CHECKING

import docker.errors
import requests.exceptions

if TYPE_CHECKING:
    from engine_bridge.endpoints import Endpoint


class ErrorKind(enum.Enum):
    """What went wrong, so a caller can react without parsing text."""

    NOT_FOUND = "not-found"
    IMAGE_NOT_FOUND = "image-not-found"
    CONFLICT = "conflict"
    UNREACHABLE = "unreachable"  # nothing listens, or the connection failed
    NOT_ANSWERING = "not-answering"  # connected, but no answer in time: hung or overloaded
    NOT_DOCKER = "not-docker"  # it answered, but not as a working Docker Engine
    CONFIG = "config"
    ENGINE = "engine"
    BAD_REQUEST = "bad-request"
    CANCELLED = "cancelled"
    PROVIDER = "provider"
    UNAUTHORIZED = "unauthorized"
    REGISTRY_UNREACHABLE = "registry-unreachable"
    BUSY = "busy"  # the engine is doing this very thing already: ask again once it is done


class EngineError(Exception):
    """An error to show a person: `title`, the engine's `message` and a `hint`."""

    def __init__(self, kind: ErrorKind, title: str, message: str = "", hint: str = "") -> None:
        super().__init__(f"{title}: {message}" if message else title)
        self.kind = kind
        self.title = title
        self.message = message
        self.hint = hint

    def __repr__(self) -> str:
        return f"EngineError({self.kind.value}, {self.title!r}, {self.message!r})"

    def in_words(self, hint: bool = True) -> str:
        """Title, the engine's message and (unless left out) the hint, as sentences."""
        parts = [self.title, self.message, self.hint if hint else ""]
        return " ".join(_sentence(part) for part in parts if part.strip())

    @property
    def engine_unusable(self) -> bool:
        """Whether the engine itself cannot be used (rather than one request failing)."""
        return self.kind in _ENGINE_UNUSABLE


def _sentence(text: str) -> str:
    """`text` as a sentence of its own: a capital first, a full stop last."""
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


_ENGINE_UNUSABLE = frozenset({ErrorKind.UNREACHABLE, ErrorKind.NOT_ANSWERING, ErrorKind.NOT_DOCKER})


_NAME_IN_USE = re.compile(
    r'name "?/?(?P<name>[^"\s]+)"? is already in use by container "?(?P<id>[0-9a-f]+)"?'
)
_VOLUME_IN_USE = re.compile(r"volume is in use - \[(?P<ids>[^\]]*)\]")
_UNMARSHAL = re.compile(
    r"cannot unmarshal (?P<sent>\w+) into Go (?:struct field|value of type) ?"
    r"(?P<field>[\w.]*)(?: of type (?P<wanted>[\w.\[\]]+))?"
)
_GO_TYPES = {"int64": "a whole number", "int": "a whole number", "uint16": "a port number",
             "string": "text", "bool": "true or false", "[]string": "a list of text"}  # fmt: skip


def _unreadable_setting(message: str) -> EngineError:
    """The engine's "json: cannot unmarshal string into Go struct field ... of type int64",
    in words."""
    match = _UNMARSHAL.search(message)
    if match is None:
        said = "One of the settings has the wrong kind of value."
    else:
        field = match.group("field").rsplit(".", 1)[-1] or "A value"
        wanted = match.group("wanted") or ""
        said = (f"{field} was sent as a {match.group('sent')} where the engine wants "
                f"{_GO_TYPES.get(wanted, wanted or 'another kind of value')}.")  # fmt: skip
    return EngineError(
        ErrorKind.BAD_REQUEST,
        "The engine could not read one of the settings",
        said,
        "Check that setting: a number where a number is wanted, a list where a list is.",
    )


_NO_SUCH = re.compile(r"No such (?P<what>container|image|volume|network|object|exec instance)")
_IMAGE_MISSING = re.compile(r"(pull access denied|No such image|not found: manifest unknown)")


class NotStarted(EngineError):
    """A container was created but would not start: it is left, as `docker run` leaves it.
    `container_id` and `name` say which, for the offer to remove it and try again."""

    def __init__(self, cause: EngineError, container_id: str, name: str) -> None:
        shown = name or container_id[:12]
        super().__init__(
            cause.kind,
            f"{shown} was created but could not start",
            cause.message or cause.title,
            f"It is left behind in the Created state, as docker run leaves it. Remove it and "
            f"try again once the cause is fixed. {cause.hint}".strip(),
        )
        self.container_id = container_id
        self.name = name


def explain(exc: BaseException, endpoint: Endpoint | None = None) -> EngineError:
    """Return an `EngineError` that says what `exc` means for the user."""
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, docker.errors.APIError):
        explained = _explain_api_error(exc)
        # The error holds its HTTP response; an engine that closes the connection after an
        # error (a container that cannot start) would otherwise leave the socket to the GC.
        response = getattr(exc, "response", None)
        if response is not None:
            with contextlib.suppress(Exception):
                response.close()
        return explained
    chain = causes(exc)
    garbled = next((e for e in chain if isinstance(e, http.client.BadStatusLine)), None)
    if isinstance(garbled, http.client.RemoteDisconnected):
        return not_docker(endpoint, "nothing: it closed the connection without an answer")
    if garbled is not None:
        line = garbled.args[0] if garbled.args else ""
        return not_docker(endpoint, "something that is not HTTP", str(line))
    if any(isinstance(e, requests.exceptions.Timeout | TimeoutError) for e in chain):
        return not_answering(endpoint)
    if _is_unreachable(exc):
        return unreachable(exc, endpoint)
    if isinstance(exc, docker.errors.DockerException):
        text = str(exc)
        if "Error while fetching server API version" in text:
            return unreachable(exc, endpoint)
        return EngineError(ErrorKind.ENGINE, "The Docker SDK reported a problem", text)
    return EngineError(
        ErrorKind.ENGINE,
        "Something unexpected went wrong",
        f"{type(exc).__name__}: {exc}",
        "This is a bug in Dockyard; the details are in its log.",
    )


_UNAUTHORIZED = re.compile(
    r"unauthorized|authentication required|no basic auth credentials|incorrect username or "
    r"password|401 Unauthorized|requested access to the resource is denied",
    re.IGNORECASE,
)
_REGISTRY_DOWN = re.compile(
    r"connection refused|no such host|i/o timeout|dial tcp|server gave HTTP response to HTTPS"
    r"|connection reset|TLS handshake timeout|certificate signed by unknown authority",
    re.IGNORECASE,
)
_NO_MANIFEST = re.compile(
    r"manifest unknown|not found|repository does not exist|name unknown", re.IGNORECASE
)
_BAD_REFERENCE = re.compile(r"invalid reference format|repository name must", re.IGNORECASE)


def registry_error(message: str, registry: str = "") -> EngineError | None:
    """What a registry's refusal means, when `message` is one; None when it is not.

    The engine passes a registry's answers on as text, in an error status or in the
    progress stream of a pull or push: these are the ones a user can act on.
    """
    where = registry or "the registry"
    if _BAD_REFERENCE.search(message):
        return EngineError(
            ErrorKind.BAD_REQUEST,
            "Not a valid image reference",
            message,
            "Write it as name[:tag] or host/name[:tag], in lower case, e.g. "
            "127.0.0.1:5000/web:1.0.",
        )
    if _UNAUTHORIZED.search(message) and "pull access denied" not in message:
        return EngineError(
            ErrorKind.UNAUTHORIZED,
            f"{where} refused: not logged in, or wrong user name or password",
            message,
            f"Log in to {where} with a user that may use this repository, then try again.",
        )
    if _REGISTRY_DOWN.search(message):
        return EngineError(
            ErrorKind.REGISTRY_UNREACHABLE,
            f"Cannot reach {where}",
            message,
            "Check the host name and port, that the registry is running, and that the "
            "engine's machine can reach it.",
        )
    if _NO_MANIFEST.search(message) or "pull access denied" in message:
        return EngineError(
            ErrorKind.IMAGE_NOT_FOUND,
            f"{where} has no such image",
            message,
            "Check the repository name and the tag or digest. If the repository is private, "
            "log in first.",
        )
    return None


def _explain_api_error(exc: docker.errors.APIError) -> EngineError:
    message = _engine_message(exc)
    status = exc.status_code or 0
    if "cannot unmarshal" in message:  # 400 on newer engines, 500 on older ones
        return _unreadable_setting(message)
    if "disk usage operation is already running" in message:  # 500 on engines before 23.0
        return EngineError(
            ErrorKind.BUSY,
            "The engine is already working out disk usage",
            "It works out one at a time, and one asked for earlier is still going on.",
            "Wait a moment, then ask for sizes again.",
        )
    if status in (401, 403) or (status == 500 and (_UNAUTHORIZED.search(message)
                                                   or _REGISTRY_DOWN.search(message))):  # fmt: skip
        found = registry_error(message)
        if found is not None:
            return found
    if isinstance(exc, docker.errors.ImageNotFound) or (
        status == 404 and _IMAGE_MISSING.search(message)
    ):
        return EngineError(
            ErrorKind.IMAGE_NOT_FOUND,
            "Image not found",
            message,
            "The image is not on this engine. Pull it first, or check the name and tag.",
        )
    if status == 404:
        match = _NO_SUCH.search(message)
        what = match.group("what") if match else "object"
        return EngineError(
            ErrorKind.NOT_FOUND,
            f"No such {what}",
            message,
            f"The {what} may have been removed already. Refresh the list and try again.",
        )
    if status == 409:
        match = _NAME_IN_USE.search(message)
        if match:
            name, owner = match.group("name"), match.group("id")[:12]
            return EngineError(
                ErrorKind.CONFLICT,
                "Name already in use",
                f"The name '{name}' is already in use by container {owner}.",
                "Choose another name, or rename or remove that container first.",
            )
        match = _VOLUME_IN_USE.search(message)
        if match:
            users = ", ".join(i.strip()[:12] for i in match.group("ids").split(",") if i.strip())
            return EngineError(
                ErrorKind.CONFLICT,
                "Volume in use",
                f"Containers still use this volume: {users}.",
                "Remove those containers first (stopped ones count too), then the volume.",
            )
        return EngineError(
            ErrorKind.CONFLICT,
            "The engine refused because of a conflict",
            message,
            "The object is in a state that does not allow this action; check it and retry.",
        )
    if status == 400:
        return EngineError(
            ErrorKind.BAD_REQUEST,
            "The engine rejected the request",
            message,
            "Check the values you entered.",
        )
    if status == 304:
        return EngineError(
            ErrorKind.CONFLICT, "Nothing to do", message or "The object is already in that state."
        )
    return EngineError(ErrorKind.ENGINE, "The engine reported an error", message)


def _engine_message(exc: docker.errors.APIError) -> str:
    explanation = exc.explanation
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    if explanation:
        return str(explanation).strip()
    if exc.response is not None and exc.response.reason:
        return str(exc.response.reason)
    return str(exc)


def causes(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and exceptions nested in its arguments."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if current in seen or len(seen) > 20:
            continue
        seen.append(current)
        for nested in (current.__cause__, current.__context__, *current.args):
            if isinstance(nested, BaseException):
                todo.append(nested)
    return seen


def _is_unreachable(exc: BaseException) -> bool:
    return any(
        isinstance(
            e,
            requests.exceptions.ConnectionError
            | requests.exceptions.Timeout
            | ConnectionError
            | FileNotFoundError
            | ssl.SSLError,
        )
        for e in causes(exc)
    )


def unreachable(exc: BaseException | None, endpoint: Endpoint | None) -> EngineError:
    """The engine could not be reached; the hint fits how we tried to reach it."""
    where = endpoint.host if endpoint else "the engine"
    detail = str(exc) if exc else ""
    chain = causes(exc) if exc else []
    text = " ".join(str(e) for e in chain)
    kind = endpoint.kind if endpoint else ""
    if any(isinstance(e, PermissionError) for e in chain) or "Permission denied" in text:
        hint = (
            f"You may not use the socket {endpoint.address if endpoint else ''}. Add your user "
            "to the 'docker' group (then log in again), or run Dockyard's bundled engine."
        )
    elif any(isinstance(e, ssl.SSLError | requests.exceptions.SSLError) for e in chain) or (
        "SSL" in text or "certificate" in text
    ):
        detail, hint = _tls_words(text, endpoint)
    elif kind == "ssh":
        hint = (
            "The SSH connection failed. Check that 'ssh' can log in to the host without a "
            "password prompt, and that the remote user may use Docker."
        )
    elif kind == "unix" and (
        any(isinstance(e, FileNotFoundError) for e in chain) or "No such file" in text
    ):
        hint = (
            "No engine is listening on that socket. Start Docker (for example "
            "'systemctl start docker'), or start Dockyard's bundled engine."
        )
    elif kind == "tcp":
        hint = "Check that the host is up, the port is right and no firewall is in the way."
    else:
        hint = "Start the engine, or choose another one."
    return EngineError(ErrorKind.UNREACHABLE, f"Cannot reach the engine at {where}", detail, hint)


#: What the TLS library says, and what it means for someone reaching a remote engine.
_TLS_FAULTS = (
    ("UNKNOWN_CA", "The engine refused this computer's certificate: its CA did not sign it.",
     "Use the client certificate and key that the engine's owner made for you."),
    ("CERTIFICATE_REQUIRED", "The engine asks for a client certificate, and none was given.",
     "Give the certificate and key that the engine's owner made for you."),
    ("HANDSHAKE_FAILURE", "The engine ended the TLS handshake: it wants a client certificate "
     "it trusts.", "Give the certificate and key that the engine's owner made for you."),
    ("Hostname mismatch", "The engine's certificate is made out to another host name.",
     "Reach the engine by the name its certificate has, or ask for a certificate for this "
     "name."),
    ("IP address mismatch", "The engine's certificate is made out to another address.",
     "Reach the engine by the address its certificate has, or ask for a new certificate."),
    ("certificate has expired", "The engine's certificate has expired.",
     "Ask the engine's owner for a new one."),
    ("CERTIFICATE_VERIFY_FAILED", "The engine's certificate is not signed by the CA given "
     "for it.", "Give the CA certificate (ca.pem) of that engine."),
    ("WRONG_VERSION_NUMBER", "What answers on that port does not speak TLS.",
     "Check the port: an engine without TLS usually listens on 2375, with TLS on 2376."),
)  # fmt: skip


def _tls_words(text: str, endpoint: Endpoint | None) -> tuple[str, str]:
    """The TLS failure in words, and what to do; the files named as the user gave them."""
    where = ("this engine's context" if endpoint is not None and endpoint.source == "context"
             else "DOCKER_CERT_PATH")  # fmt: skip
    plain = text.lower().replace("_", " ")
    for marker, said, hint in _TLS_FAULTS:
        if marker.lower().replace("_", " ") in plain:
            return said, hint
    return ("The TLS handshake with the engine failed.",
            f"Check that {where} holds ca.pem, cert.pem and key.pem for this engine, and that "
            "its certificate matches the host name.")  # fmt: skip


#: What ssh (or the docker CLI it runs on the host) says, and what it means; first match wins.
_SSH_FAULTS = (
    ("trying to connect to the Docker daemon socket", "The remote user may not use Docker "
     "on that host.", "Add the user to the 'docker' group there, then try again."),
    ("Cannot connect to the Docker daemon", "The host's docker command reaches no engine.",
     "Start Docker on that host."),
    ("command not found", "The host has no docker command.",
     "Install the docker CLI there: Dockyard reaches the engine through it (docker system "
     "dial-stdio)."),
    ("REMOTE HOST IDENTIFICATION HAS CHANGED", "The host's SSH key is not the one this "
     "computer knows.", "If the host was reinstalled, forget its old key with 'ssh-keygen -R "
     "HOST'; otherwise someone may be in the way: do not connect."),
    ("Host key verification failed", "This computer does not know the host's SSH key yet, "
     "so ssh will not trust it.", "Log in once with ssh in a terminal, check the key's "
     "fingerprint and accept it, then try again."),
    ("Permission denied", "The host refused this computer's SSH keys.",
     "Add your public key to the remote user's ~/.ssh/authorized_keys, or load the right key "
     "into ssh-agent; Dockyard cannot type passwords."),
    ("Connection refused", "Nothing answers for SSH on that host and port.",
     "Check the port (22 unless the address names another) and that the SSH server runs."),
    ("timed out", "The host did not answer in time.",
     "Check that the host is up and that no firewall is in the way."),
    ("Could not resolve hostname", "That host name is unknown here.",
     "Check the spelling, or use the host's address."),
    ("No route to host", "This computer has no way to that host.",
     "Check the address and the network."),
)  # fmt: skip


def ssh_unreachable(endpoint: Endpoint, said: str) -> EngineError:
    """An engine over ssh:// that could not be reached, in words from what ssh said."""
    plain = said.lower()
    for marker, words, hint in _SSH_FAULTS:
        if marker.lower() in plain:
            return EngineError(ErrorKind.UNREACHABLE, f"Cannot reach the engine at "
                               f"{endpoint.host}", words, hint)  # fmt: skip
    last = said.strip().splitlines()[-1] if said.strip() else ""
    return EngineError(
        ErrorKind.UNREACHABLE, f"Cannot reach the engine at {endpoint.host}",
        f"The SSH connection failed{': ' + last if last else ''}.",
        "Check that 'ssh' can log in to the host without a password prompt, and that the "
        "remote user may use Docker.",
    )  # fmt: skip


def not_answering(endpoint: Endpoint | None, seconds: float | None = None) -> EngineError:
    """The engine took the connection but sent nothing back in time."""
    where = endpoint.host if endpoint else "the engine"
    within = f" within {seconds:g} s" if seconds is not None else " in time"
    return EngineError(
        ErrorKind.NOT_ANSWERING,
        f"The engine at {where} does not answer",
        f"It accepted the connection but sent no answer{within}.",
        "It may be hung, overloaded or still starting. Restart it, or choose another engine; "
        "Dockyard keeps trying meanwhile.",
    )


def not_docker(endpoint: Endpoint | None, answer: str, body: str = "") -> EngineError:
    """Something answered where the engine should be, but not as a working Docker Engine."""
    where = endpoint.host if endpoint else "the engine"
    said = " ".join(body.split())
    if len(said) > 200:
        said = said[:200] + "…"
    return EngineError(
        ErrorKind.NOT_DOCKER,
        f"What answers at {where} is not a working Docker Engine",
        f"Asked whether it is up (GET /_ping), it answered {answer}"
        + (f": {said}" if said else "."),
        "A working engine answers 200 OK. If it is Docker, its log says what is wrong; "
        "otherwise check DOCKER_HOST or the docker context, which may point at another "
        "program.",
    )
