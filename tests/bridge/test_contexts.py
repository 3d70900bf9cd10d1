"""Engines on other machines kept as docker contexts: what the app saves, the docker CLI lists
and uses as its own (and the app reads back); the one in use cannot be removed; and an engine
reached over TCP with TLS client certificates answers through its context, while a client
whose certificate its CA did not sign is refused in words."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine_bridge.bridge import EngineBridge
from engine_bridge.context_store import (
    remove_context,
    save_context,
    tls_file_problems,
    use_context,
)
from engine_bridge.endpoints import list_contexts, resolve
from engine_bridge.engines.vm.certificates import Certificates
from engine_bridge.errors import EngineError
from engine_bridge.resources.containers import list_containers
from engine_bridge.specs.context_form import ContextForm, context_problems
from tests.engine_support import EngineUnderTest
from tests.ssh_front import SshFront
from tests.tls_front import TlsFront, make_certificates


@pytest.fixture
def cli_config(tmp_path: Path) -> dict[str, str]:
    """An environment whose docker CLI configuration is a folder of this test's."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    env["DOCKER_CONFIG"] = str(tmp_path / "docker-config")
    return env


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path / "certs")


@pytest.fixture
def tls_engine(test_engine: EngineUnderTest, certificates: Certificates) -> Iterator[TlsFront]:
    assert test_engine.endpoint.kind == "unix", "the TLS front stands before a local socket"
    front = TlsFront(test_engine.endpoint.address, certificates)
    yield front
    front.close()


def _docker(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["docker", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    return done.stdout


def test_contexts_saved_here_are_the_docker_clis_own(
    cli_config: dict[str, str], certificates: Certificates
) -> None:
    ssh = ContextForm("build-box", "ssh://dev@10.0.0.5:2222", "The build machine")
    ca, cert, key = (str(p) for p in (certificates.ca, certificates.client_cert,
                                      certificates.client_key))  # fmt: skip
    tls = ContextForm("lab", "tcp://10.0.0.6:2376", ca=ca, cert=cert, key=key)
    files = tls_file_problems([tls.ca, tls.cert, tls.key, str(certificates.ca) + ".missing"])
    assert context_problems(tls, files=files) == {}
    assert files[str(certificates.ca) + ".missing"].startswith("There is no file")
    save_context(ssh, cli_config)
    saved = save_context(tls, cli_config)
    assert saved.tls is not None
    assert saved.tls.verify

    listed = [json.loads(line) for line in _docker(cli_config, "context", "ls", "--format",
                                                   "{{json .}}").splitlines()]  # fmt: skip
    by_name = {c["Name"]: c for c in listed}
    assert by_name["build-box"]["DockerEndpoint"] == "ssh://dev@10.0.0.5:2222"
    assert by_name["build-box"]["Description"] == "The build machine"
    assert by_name["lab"]["DockerEndpoint"] == "tcp://10.0.0.6:2376"
    inspected = json.loads(_docker(cli_config, "context", "inspect", "lab"))[0]
    assert sorted(inspected["TLSMaterial"]["docker"]) == ["ca.pem", "cert.pem", "key.pem"]
    key_file = Path(inspected["Storage"]["TLSPath"]) / "docker" / "key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert {e.name for e in list_contexts(cli_config)} == {"default", "build-box", "lab"}

    # Chosen here, used by the CLI; renamed, still chosen; refused while in use.
    use_context("lab", cli_config)
    assert _docker(cli_config, "context", "show").strip() == "lab"
    renamed = ContextForm("lab-2", tls.host, ca=str(key_file.parent / "ca.pem"),
                          cert=str(key_file.parent / "cert.pem"), key=str(key_file))  # fmt: skip
    save_context(renamed, cli_config, replacing="lab")
    assert _docker(cli_config, "context", "show").strip() == "lab-2"
    assert resolve(cli_config).host == "tcp://10.0.0.6:2376"
    assert "lab" not in {e.name for e in list_contexts(cli_config)}
    with pytest.raises(EngineError, match="The context lab-2 is in use"):
        remove_context("lab-2", cli_config)
    use_context("default", cli_config)
    remove_context("lab-2", cli_config)
    remove_context("build-box", cli_config)
    assert _docker(cli_config, "context", "ls", "-q").split() == ["default"]


def test_an_engine_over_tls_answers_through_its_context(
    cli_config: dict[str, str], certificates: Certificates, tls_engine: TlsFront, arun: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    ca, cert, key = (str(p) for p in (certificates.ca, certificates.client_cert,
                                      certificates.client_key))  # fmt: skip
    form = ContextForm("tls-here", tls_engine.host, ca=ca, cert=cert, key=key)
    endpoint = save_context(form, cli_config)
    # The CLI reaches the engine through the same context.
    assert _docker(cli_config, "--context", "tls-here", "version", "--format",
                   "{{.Server.APIVersion}}").strip()  # fmt: skip

    async def through_tls() -> int:
        bridge = EngineBridge(endpoint)
        try:
            await bridge.connect()
            return len(await list_containers(bridge))
        finally:
            await bridge.close()

    assert arun(through_tls()) >= 0

    # A client certificate from another CA: refused, and said in words.
    stranger = make_certificates(tmp_path / "stranger", "stranger")
    other = ContextForm("tls-stranger", tls_engine.host, ca=str(certificates.ca),
                        cert=str(stranger.client_cert), key=str(stranger.client_key))  # fmt: skip
    refused_endpoint = save_context(other, cli_config)

    async def refused() -> EngineError:
        bridge = EngineBridge(refused_endpoint, probe_timeout=5)
        try:
            await bridge.connect()
        except EngineError as exc:
            return exc
        finally:
            await bridge.close()
        raise AssertionError("a stranger's certificate was let in")

    error = arun(refused())
    said = error.in_words()
    assert "Traceback" not in said
    assert said.startswith(
        f"Cannot reach the engine at {tls_engine.host}. The engine refused "
        "this computer's certificate: its CA did not sign it."
    ), said
    assert "HTTPSConnectionPool" not in said


@pytest.fixture
def ssh_engine(test_engine: EngineUnderTest, tmp_path: Path) -> Iterator[SshFront]:
    assert test_engine.endpoint.kind == "unix", "the SSH server stands before a local socket"
    front = SshFront(tmp_path / "ssh", test_engine.endpoint.address)
    yield front
    front.close()


def _reach(endpoint: Any) -> tuple[int, EngineError | None]:
    async def attempt() -> tuple[int, EngineError | None]:
        bridge = EngineBridge(endpoint, probe_timeout=15)
        try:
            await bridge.connect()
            return len(await list_containers(bridge)), None
        except EngineError as exc:
            return -1, exc
        finally:
            await bridge.close()

    import asyncio

    return asyncio.run(attempt())


def test_an_engine_over_ssh_answers_through_its_context_and_refusals_are_said(
    cli_config: dict[str, str], ssh_engine: SshFront, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = ContextForm("over-ssh", ssh_engine.host, description="the test's sshd")
    endpoint = save_context(form, cli_config)
    assert endpoint.kind == "ssh"

    def ssh_with(config: Path) -> None:
        path = f"{ssh_engine.ssh_on_path(config)}:{os.environ['PATH']}"
        monkeypatch.setenv("PATH", path)
        cli_config["PATH"] = path

    # A key the server lets in and a host key this computer knows: the engine answers, to
    # the app and to the docker CLI through the same context.
    ssh_with(ssh_engine.ssh_config("known"))
    count, error = _reach(endpoint)
    assert error is None, error.in_words()
    assert count >= 0
    assert _docker(cli_config, "--context", "over-ssh", "version", "--format",
                   "{{.Server.APIVersion}}").strip()  # fmt: skip

    # The host's key not known here: said so, with what to do; nothing waits for an answer.
    ssh_with(ssh_engine.ssh_config("unknown-host", knows_host=False))
    _count, error = _reach(endpoint)
    assert error is not None
    said = error.in_words()
    assert "does not know the host's SSH key yet" in said, said
    assert "Traceback" not in said

    # A key the server does not let in.
    ssh_with(ssh_engine.ssh_config("stranger", key=ssh_engine.stranger_key))
    _count, error = _reach(endpoint)
    assert error is not None
    assert "The host refused this computer's SSH keys" in error.in_words(), error.in_words()

    # Nothing listening for SSH there.
    ssh_engine.close()
    ssh_with(ssh_engine.ssh_config("known-again"))
    _count, error = _reach(endpoint)
    assert error is not None
    assert "Nothing answers for SSH on that host and port" in error.in_words(), error.in_words()

    # A host whose SSH port takes the connection but never speaks (hung, or a middlebox that
    # holds connections): ssh gives up after its connect timeout, and that is said.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        hung = save_context(ContextForm("over-ssh-hung", f"ssh://{ssh_engine.user}@127.0.0.1:"
                                        f"{port}"), cli_config)  # fmt: skip
        began = time.monotonic()
        _count, error = _reach(hung)
        took = time.monotonic() - began
    assert error is not None
    said = error.in_words()
    assert "The host did not answer in time" in said, said
    assert took < 60, f"said after {took:.0f} s"
