"""Resolving the engine the way the docker CLI does, from environment and config files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine_bridge.endpoints import DEFAULT_HOST, list_contexts, resolve
from engine_bridge.errors import EngineError, ErrorKind


def write_context(config: Path, name: str, host: str, tls: bool = False) -> None:
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {
                "Name": name,
                "Metadata": {"Description": f"{name} engine"},
                "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}},
            }
        )
    )
    if tls:
        folder = config / "contexts" / "tls" / digest / "docker"
        folder.mkdir(parents=True)
        for file in ("ca.pem", "cert.pem", "key.pem"):
            (folder / file).write_text("x")


def test_default_socket_when_nothing_is_configured(tmp_path: Path) -> None:
    endpoint = resolve({"DOCKER_CONFIG": str(tmp_path)})
    assert endpoint.host == DEFAULT_HOST
    assert endpoint.kind == "unix"
    assert endpoint.address == "/var/run/docker.sock"


def test_docker_host_wins_over_contexts(tmp_path: Path) -> None:
    write_context(tmp_path, "remote", "ssh://me@box")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    endpoint = resolve({"DOCKER_CONFIG": str(tmp_path), "DOCKER_HOST": "unix:///tmp/x.sock"})
    assert (endpoint.host, endpoint.source) == ("unix:///tmp/x.sock", "DOCKER_HOST")


def test_docker_host_tcp_with_tls_variables(tmp_path: Path) -> None:
    env = {
        "DOCKER_CONFIG": str(tmp_path),
        "DOCKER_HOST": "tcp://10.0.0.5:2376",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": str(tmp_path / "certs"),
    }
    endpoint = resolve(env)
    assert endpoint.kind == "tcp"
    assert endpoint.address == "10.0.0.5:2376"
    assert endpoint.tls is not None
    assert endpoint.tls.verify
    assert endpoint.tls.ca == tmp_path / "certs" / "ca.pem"
    assert endpoint.tls.key == tmp_path / "certs" / "key.pem"


def test_current_context_from_config_file(tmp_path: Path) -> None:
    write_context(tmp_path, "vm", "tcp://192.0.2.1:2376", tls=True)
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "vm", "auths": {}}))
    endpoint = resolve({"DOCKER_CONFIG": str(tmp_path)})
    assert (endpoint.name, endpoint.host, endpoint.source) == (
        "vm",
        "tcp://192.0.2.1:2376",
        "config",
    )
    assert endpoint.tls is not None
    assert endpoint.tls.cert is not None
    assert endpoint.tls.cert.name == "cert.pem"


def test_docker_context_variable_beats_config_file(tmp_path: Path) -> None:
    write_context(tmp_path, "vm", "tcp://192.0.2.1:2376")
    write_context(tmp_path, "lima", "unix:///home/me/.lima/docker.sock")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "vm"}))
    endpoint = resolve({"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "lima"})
    assert (endpoint.name, endpoint.source) == ("lima", "DOCKER_CONTEXT")


def test_list_contexts_names_every_context_default_first(tmp_path: Path) -> None:
    write_context(tmp_path, "vm", "tcp://192.0.2.1:2376")
    write_context(tmp_path, "remote", "ssh://me@box")
    names = [(e.name, e.kind) for e in list_contexts({"DOCKER_CONFIG": str(tmp_path)})]
    assert names[0] == ("default", "unix")
    assert sorted(names[1:]) == [("remote", "ssh"), ("vm", "tcp")]


def test_malformed_config_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"currentContext": "vm",')
    with pytest.raises(EngineError) as caught:
        resolve({"DOCKER_CONFIG": str(tmp_path)})
    assert caught.value.kind is ErrorKind.CONFIG
    assert str(tmp_path / "config.json") in caught.value.message
    assert "line 1" in caught.value.message


def test_malformed_context_meta_names_the_file(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"broken").hexdigest()
    meta = tmp_path / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text("[1, 2]")
    with pytest.raises(EngineError) as caught:
        list_contexts({"DOCKER_CONFIG": str(tmp_path)})
    assert str(meta / "meta.json") in caught.value.message


def test_unknown_current_context_is_explained(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as caught:
        resolve({"DOCKER_CONFIG": str(tmp_path), "DOCKER_CONTEXT": "nowhere"})
    assert "nowhere" in caught.value.title
    assert "docker context ls" in caught.value.hint


def test_docker_host_without_scheme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="DOCKER_HOST"):
        resolve({"DOCKER_CONFIG": str(tmp_path), "DOCKER_HOST": "localhost:2375"})
