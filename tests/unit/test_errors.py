"""Engine errors in human words. The faults are built by hand: a real engine shows the same
ones in tests/bridge, but permission and TLS failures cannot be provoked here as root."""

from __future__ import annotations

import ssl

import docker.errors
import requests
import requests.exceptions

from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind, explain

UNIX = Endpoint("default", "unix:///var/run/docker.sock", "default")
TCP = Endpoint("vm", "tcp://192.0.2.1:2376", "context")
SSH = Endpoint("box", "ssh://me@box", "context")


def api_error(status: int, message: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError("engine said no", response=response, explanation=message)


def test_name_conflict_names_the_owner() -> None:
    error = explain(
        api_error(
            409,
            'Conflict. The container name "/web" is already in use by container '
            '"3f2a9c1e5b7d0000000000000000000000000000000000000000000000000000". '
            "You have to remove (or rename) that container to be able to reuse that name.",
        )
    )
    assert error.kind is ErrorKind.CONFLICT
    assert error.title == "Name already in use"
    assert error.message == "The name 'web' is already in use by container 3f2a9c1e5b7d."
    assert "rename or remove" in error.hint


def test_missing_container() -> None:
    error = explain(api_error(404, "No such container: nope"))
    assert (error.kind, error.title) == (ErrorKind.NOT_FOUND, "No such container")
    assert error.message == "No such container: nope"


def test_missing_image() -> None:
    error = explain(api_error(404, "No such image: ghost:latest"))
    assert error.kind is ErrorKind.IMAGE_NOT_FOUND
    assert "Pull it first" in error.hint


def test_engine_busy_with_disk_usage() -> None:
    error = explain(api_error(500, "a disk usage operation is already running"))
    assert error.kind is ErrorKind.BUSY
    assert error.in_words() == (
        "The engine is already working out disk usage. It works out one at a time, and one "
        "asked for earlier is still going on. Wait a moment, then ask for sizes again."
    )


def test_socket_missing() -> None:
    exc = requests.exceptions.ConnectionError(FileNotFoundError(2, "No such file or directory"))
    error = explain(exc, UNIX)
    assert error.kind is ErrorKind.UNREACHABLE
    assert "unix:///var/run/docker.sock" in error.title
    assert "No engine is listening" in error.hint


def test_socket_permission_denied() -> None:
    exc = requests.exceptions.ConnectionError(PermissionError(13, "Permission denied"))
    error = explain(exc, UNIX)
    assert error.kind is ErrorKind.UNREACHABLE
    assert "'docker' group" in error.hint


def test_tls_failure() -> None:
    exc = requests.exceptions.SSLError(ssl.SSLError("certificate verify failed"))
    error = explain(exc, TCP)
    assert error.kind is ErrorKind.UNREACHABLE
    assert error.message == "The engine's certificate is not signed by the CA given for it."
    assert "ca.pem" in error.hint
    other = explain(requests.exceptions.SSLError(ssl.SSLError("odd failure")), TCP)
    assert "TLS handshake" in other.message
    assert "this engine's context holds ca.pem" in other.hint  # TCP is a context's


def test_ssh_failure_from_sdk_wrapping() -> None:
    exc = docker.errors.DockerException(
        "Error while fetching server API version: ('Connection aborted.', "
        "ConnectionResetError(104, 'Connection reset by peer'))"
    )
    error = explain(exc, SSH)
    assert error.kind is ErrorKind.UNREACHABLE
    assert "SSH" in error.hint


def test_unexpected_exception_is_still_an_engine_error() -> None:
    error = explain(ZeroDivisionError("oops"))
    assert error.kind is ErrorKind.ENGINE
    assert "ZeroDivisionError" in error.message


def test_an_error_in_words_is_sentences() -> None:
    error = EngineError(ErrorKind.ENGINE, "No luck", "it said no", "Try again.")
    assert error.in_words() == "No luck. It said no. Try again."
    assert error.in_words(hint=False) == "No luck. It said no."
    assert EngineError(ErrorKind.ENGINE, "Gone?").in_words() == "Gone?"
