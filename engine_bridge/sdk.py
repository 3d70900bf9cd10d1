"""The only module that touches the docker SDK's private parts and transport quirks.

Everything else in engine_bridge uses the SDK's public API through a client made here, or
the few helpers below: making a client that first checks, within seconds, that a Docker
Engine answers; raw streamed requests (logs, stats, pull, push, save) whose bodies are read
faster than the SDK's own helpers do; the socket under a response or a hijacked connection.

Importing it also mends the SDK's unix-socket connection, which leaks its socket when the
connect fails (engine stopped, socket gone): every retry while an engine is away would leak
a file descriptor until garbage collection.

The SDK imports its ssh:// transport, and with it paramiko (about 0.1 s of every start-up),
whenever it is imported, though most sessions never reach an engine over SSH: it is imported
here without it, and the transport when an ssh:// engine is first reached.
"""

# ruff: noqa: E402 (the SDK is imported after paramiko is kept out of its way)
from __future__ import annotations

import sys

_PARAMIKO_KEPT_OUT = "paramiko" not in sys.modules
if _PARAMIKO_KEPT_OUT:
    sys.modules["paramiko"] = None  # type: ignore[assignment]  # import paramiko fails
try:
    import docker
    import docker.tls
    from docker.constants import DEFAULT_DOCKER_API_VERSION
    from docker.transport import unixconn
    from docker.types.daemon import CancellableStream
finally:
    if _PARAMIKO_KEPT_OUT:
        del sys.modules["paramiko"]

import base64
import contextlib
import json
import os
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import requests.exceptions

from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import (
    EngineError,
    ErrorKind,
    causes,
    explain,
    not_answering,
    not_docker,
    ssh_unreachable,
    unreachable,
)
from engine_bridge.streams.log_lines import dechunk

Client = Any  # docker.DockerClient; the SDK has no type information


PROBE_TIMEOUT = 5.0  # seconds an engine gets to answer GET /_ping before it is called hung


def make_client(
    endpoint: Endpoint,
    timeout: int = 60,
    probe_timeout: float = PROBE_TIMEOUT,
    diagnose: bool = True,
) -> Client:
    """A docker SDK client for `endpoint`, once the engine there has answered as a Docker
    Engine within `probe_timeout` seconds; raises an EngineError that says what it did
    instead (finding out why over TLS or SSH unless not `diagnose`, for a caller that only
    polls whether an engine is up yet). The API version is the older of the engine's and the
    SDK's."""
    if endpoint.kind == "unix":
        _check_socket(endpoint)
    elif endpoint.kind == "ssh":
        _ssh_transport()
    tls: docker.tls.TLSConfig | bool = False
    if endpoint.tls is not None:
        files = endpoint.tls
        tls = docker.tls.TLSConfig(
            client_cert=(str(files.cert), str(files.key)) if files.cert and files.key else None,
            ca_cert=str(files.ca) if files.ca and files.verify else None,
            verify=files.verify,
        )
    # A version given up front: the SDK's own negotiation would wait `timeout` seconds on an
    # engine that never answers, and say nothing useful about one that answers nonsense.
    client = docker.DockerClient(
        base_url=endpoint.host,
        version=DEFAULT_DOCKER_API_VERSION,
        timeout=timeout,
        tls=tls,
        use_ssh_client=endpoint.kind == "ssh",
    )
    if endpoint.tls is not None:
        # The engine's own CA decides, as in the docker CLI: requests would otherwise let
        # REQUESTS_CA_BUNDLE (set system-wide on many machines) replace it on every request.
        client.api.trust_env = False
    try:
        spoken = _ping(client, endpoint, probe_timeout, diagnose)
    except BaseException:
        client.close()
        raise
    client.api._version = _older(spoken, DEFAULT_DOCKER_API_VERSION)
    return client


def _ping(client: Client, endpoint: Endpoint, timeout: float, diagnose: bool = True) -> str:
    """Ask the engine for GET /_ping; returns the API version it speaks."""
    api = client.api
    try:
        response = api._get(api._url("/_ping", versioned_api=False), timeout=timeout)
    except requests.exceptions.Timeout as exc:
        raise not_answering(endpoint, timeout) from exc
    except Exception as exc:
        if not diagnose:
            raise explain(exc, endpoint) from exc
        if endpoint.kind == "ssh":
            said = ssh_fault(endpoint, timeout)
            if said:
                raise ssh_unreachable(endpoint, said) from exc
        fault = _tls_fault(endpoint, exc, timeout)
        raise explain(fault or exc, endpoint) from exc
    with contextlib.closing(response):
        if response.status_code != 200:
            raise not_docker(endpoint, f"HTTP {response.status_code} {response.reason or ''}",
                             response.text)  # fmt: skip
        spoken = response.headers.get("Api-Version")
        if spoken:
            return str(spoken)
    # Engines older than API 1.25 name no version in /_ping; /version does.
    try:
        version = api._result(api._get(api._url("/version", versioned_api=False),
                                       timeout=timeout), json=True)  # fmt: skip
    except Exception as exc:
        raise explain(exc, endpoint) from exc
    return str(version.get("ApiVersion") or "1.24")


def _tls_fault(endpoint: Endpoint, exc: BaseException, timeout: float) -> ssl.SSLError | None:
    """What the engine's TLS alert said, when a request over TLS failed without saying it.

    With TLS 1.3 the engine checks this computer's certificate after the client thinks the
    handshake is over, so a refused certificate shows up on the first request as a reset or
    an early end of the stream, whichever wins the race with the engine's alert. A fresh
    handshake that sends nothing and then reads gets the alert itself."""
    if endpoint.tls is None or endpoint.kind != "tcp":
        return None
    if not any(isinstance(e, ssl.SSLError | ConnectionResetError | EOFError) or "EOF" in str(e)
               for e in causes(exc)):  # fmt: skip
        return None
    files = endpoint.tls
    context = ssl.create_default_context(cafile=str(files.ca) if files.ca else None)
    if not files.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if files.cert and files.key:
        context.load_cert_chain(str(files.cert), str(files.key))
    host, _, port = endpoint.address.rpartition(":")
    try:
        with (
            socket.create_connection((host.strip("[]"), int(port)), min(timeout, 3.0)) as raw,
            context.wrap_socket(raw, server_hostname=host.strip("[]")) as secure,
        ):
            secure.recv(1)
    except ssl.SSLError as fault:
        return fault
    except (OSError, ValueError):
        return None
    return None


def _older(a: str, b: str) -> str:
    """The older of two API versions such as "1.41" and "1.45"."""

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".") if p.isdigit())

    return a if key(a) <= key(b) else b


def _check_socket(endpoint: Endpoint) -> None:
    """Say plainly why a unix socket cannot be used, before the SDK tries (and leaks it)."""
    path = endpoint.address
    if not os.path.exists(path):
        raise unreachable(FileNotFoundError(2, f"No such file or directory: '{path}'"), endpoint)
    if not os.access(path, os.R_OK | os.W_OK):
        raise unreachable(PermissionError(13, f"Permission denied: '{path}'"), endpoint)


def logs_response(
    client: Client,
    container_id: str,
    follow: bool,
    tail: int | None,
    since: str | None,
    timestamps: bool,
) -> Any:
    """The raw HTTP response of GET /containers/{id}/logs.

    The SDK's own logs() joins stdout and stderr; the raw frames keep them apart.
    """
    params: dict[str, Any] = {
        "stdout": 1,
        "stderr": 1,
        "follow": int(follow),
        "timestamps": int(timestamps),
        "tail": "all" if tail is None else str(tail),
    }
    if since:
        params["since"] = since
    return request(client, "get", "/containers/{0}/logs", container_id, params=params)


def stats_response(client: Client, container_id: str) -> Any:
    """The raw HTTP response of a container's stats stream, one document a second."""
    return request(client, "get", "/containers/{0}/stats", container_id, params={"stream": True})


def body_blocks(response: Any) -> Iterator[bytes]:
    """The body of a streamed response in blocks, as fast as the socket delivers it."""
    raw = getattr(response.raw, "_fp", None)
    read1 = getattr(getattr(raw, "fp", None), "read1", None)
    if raw is not None and getattr(raw, "chunked", False) and read1 is not None:
        return dechunk(read1)
    return response.raw.stream(64 * 1024, decode_content=False)  # type: ignore[no-any-return]


@contextlib.contextmanager
def archive(
    client: Client, container: str, path: str
) -> Iterator[tuple[Iterator[bytes], dict[str, Any]]]:
    """The tar of a path inside a container, as blocks, with the path's stat (what
    `docker cp` reads). The engine holds the container's lock until the response ends: it
    is closed on the way out, read to its end or not."""
    # Not gzip, which requests asks for by default: compressing costs the engine more time
    # than the bytes it saves on a local socket.
    response = request(
        client, "get", "/containers/{0}/archive", container, params={"path": path},
        headers={"Accept-Encoding": "identity"},
    )  # fmt: skip
    try:
        header = response.headers.get("X-Docker-Container-Path-Stat") or ""
        stat = json.loads(base64.b64decode(header)) if header else {}
        yield body_blocks(response), stat
    finally:
        response.close()


class ResponseStream:
    """An SDK stream whose close() also releases the HTTP response and its socket.

    The SDK's own close() shuts the socket down, which is what wakes a blocked read, but
    leaves the response (and the socket's file object) open until garbage collection.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Any:
        return iter(self._stream)

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            response = getattr(self._stream, "_response", None)
            if response is not None:
                response.close()


def request(
    client: Client,
    method: str,
    path: str,
    *args: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    stream: bool = True,
    timeout: float | None = None,
    data: Any = None,
) -> Any:
    """The HTTP response of one engine request (path with {0}-style parts), its status
    checked (the SDK's error is raised, and the response closed, when it failed); `data`
    is a body to send (bytes or a file)."""
    api = client.api
    url = api._url(path, *args)
    extra = {"data": data} if data is not None else {}
    response = getattr(api, f"_{method}")(
        url, params=params, headers=headers, stream=stream, timeout=timeout, **extra
    )
    try:
        api._raise_for_status(response)
    except Exception:
        response.close()
        raise
    return response


def json_messages(client: Client, response: Any) -> Iterator[dict[str, Any]]:
    """The decoded JSON messages of a streamed response (pull, push, load progress)."""
    messages: Iterator[dict[str, Any]] = client.api._stream_helper(response, decode=True)
    return messages


def buffered_body(response: Any) -> Any:
    """The buffered reader of a streamed response's body (it may hold bytes already)."""
    return response.raw._fp.fp


def socket_of(response: Any) -> socket.socket | None:
    """The plain socket under a streamed response, if it has one (not over SSH)."""
    fp = getattr(getattr(response.raw, "_fp", None), "fp", None)
    raw = getattr(fp, "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) and fp is not None else None


def raw_socket(handle: Any) -> socket.socket:
    """The socket under what the SDK returns for a hijacked connection (exec, attach)."""
    for attribute in ("_sock", "sock"):
        inner = getattr(handle, attribute, None)
        if isinstance(inner, socket.socket):
            return inner
    if isinstance(handle, socket.socket):
        return handle
    raise TypeError(f"no socket in {type(handle).__name__}")


def _connect_closing_on_failure(self: Any) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(self.timeout)
    try:
        sock.connect(self.unix_socket)
    except BaseException:
        sock.close()
        raise
    self.sock = sock


unixconn.UnixHTTPConnection.connect = _connect_closing_on_failure


#: Options for every ssh the SDK starts: never ask anyone anything (no terminal or window
#: is there to answer; a question would hang the connection until the probe gives up), and
#: give up on a host that does not answer in bounded time.
SSH_OPTIONS = ("-o", "BatchMode=yes", "-o", "ConnectTimeout=10")


def _ssh_argv(host: str, *command: str) -> list[str]:
    """The ssh command that runs `command` on `host` ("user@host:port" or "host")."""
    user, _, place = host.rpartition("@")
    name, _, port = place.partition(":")
    argv = ["ssh", *SSH_OPTIONS]
    if user:
        argv += ["-l", user]
    if port:
        argv += ["-p", port]
    return [*argv, "--", name, *command]


def _ssh_connect(self: Any, **_kwargs: Any) -> None:
    """The SDK's ssh connection, started without a terminal to ask on (its own session) and
    in batch mode; what ssh says goes nowhere, a failure is diagnosed separately."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "SSL_CERT_FILE")}
    where = f"{self.user}@{self.host}" if self.user else self.host
    if self.port:
        where += f":{self.port}"
    self.proc = subprocess.Popen(
        _ssh_argv(where, "docker system dial-stdio"), env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _ssh_close(self: Any) -> None:
    """End the connection's ssh and let go of its pipes and of the socket object the SDK
    makes but never uses (its own close leaves all three open, and writes to a pipe whose
    ssh may be gone)."""
    process, self.proc = self.proc, None
    if process is not None:
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    socket.socket.close(self)


def _ssh_transport() -> None:
    """The SDK's ssh:// transport, imported at its first use (with paramiko, which it needs
    to import though the connection goes through the ssh program), its connect and close
    replaced by the ones above."""
    try:
        import docker.api.client as api_client
        import docker.transport as transport
        from docker.transport import sshconn
    except ImportError as exc:
        raise EngineError(ErrorKind.UNREACHABLE, "SSH engines are not available here",
                          "The docker SDK's ssh:// support needs paramiko, which is missing.",
                          "Reinstall Dockyard: its set-up installs it.") from exc  # fmt: skip
    transport.SSHHTTPAdapter = sshconn.SSHHTTPAdapter
    api_client.SSHHTTPAdapter = sshconn.SSHHTTPAdapter
    sshconn.SSHSocket.connect = _ssh_connect
    sshconn.SSHSocket.close = _ssh_close


def ssh_fault(endpoint: Endpoint, timeout: float) -> str:
    """What ssh says when it runs the docker CLI on the engine's host, for an ssh:// engine
    that could not be reached: "" when that worked."""
    host = endpoint.host.removeprefix("ssh://").rstrip("/")
    try:
        done = subprocess.run(
            _ssh_argv(host, "docker", "version", "--format", "{{.Server.APIVersion}}"),
            capture_output=True, text=True, errors="replace", timeout=timeout + 10,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"ssh did not finish within {timeout + 10:.0f} s."
    except FileNotFoundError:
        return "ssh: command not found"
    return "" if done.returncode == 0 else (done.stderr.strip() or done.stdout.strip())


def build_context_files(root: str, dockerfile: str) -> list[str]:
    """The files of the build context in `root` that a build sends, after `.dockerignore`,
    chosen by the same rules as the docker CLI's (the SDK's port of them): relative paths,
    folders included. The Dockerfile and .dockerignore are always sent."""
    import docker.utils.build as context_rules

    ignore = os.path.join(root, ".dockerignore")
    patterns: list[str] = []
    if os.path.exists(ignore):
        with open(ignore, encoding="utf-8", errors="replace") as lines:
            patterns = [p.strip() for p in lines.read().splitlines()]
            patterns = [p for p in patterns if p and not p.startswith("#")]
    kept = set(context_rules.exclude_paths(root, patterns, dockerfile=dockerfile))
    if os.path.exists(ignore):
        kept.add(".dockerignore")
    return sorted(kept)


def build_context_archive(root: str, files: list[str]) -> Any:
    """The build context as an uncompressed tar, in a temporary file (rewound)."""
    import docker.utils.build as context_rules

    return context_rules.create_archive(root, files=files)


def follow_messages(
    client: Client, response: Any, work: Any, each: Callable[[dict[str, Any]], None]
) -> None:
    """Hand each JSON message of a streamed response (pull, push, build progress) to `each`
    until the stream ends or the user cancels `work` (an Operation: its `interrupt` is set to
    close the stream under the read, and `check_cancelled()` raises once it is cancelled)."""
    stream = CancellableStream(json_messages(client, response), response)

    def close() -> None:
        with contextlib.suppress(Exception):
            stream.close()

    work.interrupt = close
    try:
        for message in stream:
            work.check_cancelled()
            each(message)
    except EngineError:
        raise
    except Exception:
        work.check_cancelled()  # a cancel closes the socket under the read
        raise
    finally:
        close()
        response.close()
    work.check_cancelled()
