"""Fixtures shared by every test: the real engine, the test image, the docker CLI."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import re
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from engine_bridge.credentials import CredentialStore
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.sdk import make_client
from tests.engine_support import (
    BUSYBOX_BINARY,
    BUSYBOX_IMAGE,
    TEST_LABEL,
    TEST_NAME_PREFIX,
    EngineUnderTest,
    build_busybox_image,
    ensure_engine,
    remove_test_objects,
)
from tests.registry_support import (
    LocalRegistry,
    SecretService,
    local_registry,
    push_hub_stand_in,
    secret_service,
)

T = TypeVar("T")

# Qt draws offscreen in tests: no screen is needed, and none is touched.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# What the app remembers between launches goes to a folder of the run's own, not the user's.
os.environ["DOCKYARD_CONFIG_DIR"] = tempfile.mkdtemp(prefix="dockyard-test-settings-")
os.environ["DOCKYARD_HISTORY_DIR"] = tempfile.mkdtemp(prefix="dockyard-test-history-")


@pytest.fixture(scope="session")
def test_engine() -> Iterator[EngineUnderTest]:
    """The real engine; the bundled one is started when none answers. Never skipped."""
    engine = ensure_engine()
    yield engine
    if engine.started_here and engine.bundled is not None:
        engine.bundled.stop_blocking()


@pytest.fixture(scope="session")
def bundled_engine(test_engine: EngineUnderTest) -> BundledEngine:
    """The bundled engine under test, for tests that stop and start it or read its log.

    Under CI the tests always run on it, so its absence is a failure there. On a developer's
    machine with a system engine already running, these tests cannot stop that engine.
    """
    if test_engine.bundled is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests on the bundled engine, which did not start")
        pytest.skip("this run uses a system engine that the tests may not stop")
    return test_engine.bundled


@pytest.fixture(scope="session")
def docker_client(test_engine: EngineUnderTest) -> Iterator[Any]:
    """A plain SDK client for setting up and checking; removes what tests labelled."""
    client = make_client(test_engine.endpoint)
    remove_test_objects(client)
    yield client
    remove_test_objects(client)
    client.close()


@pytest.fixture(scope="session")
def busybox_image(docker_client: Any) -> Iterator[str]:
    """A tiny image built FROM scratch with the static busybox."""
    build_busybox_image(docker_client)
    yield BUSYBOX_IMAGE
    remove_test_objects(docker_client)
    docker_client.api.remove_image(BUSYBOX_IMAGE, force=True)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    """Debian's docker-registry on 127.0.0.1, with htpasswd auth and one user."""
    with local_registry(tmp_path_factory.mktemp("registry")) as running:
        yield running


@pytest.fixture(scope="session")
def hub_mirror(
    tmp_path_factory: pytest.TempPathFactory, bundled_engine: BundledEngine, docker_client: Any
) -> Iterator[str]:
    """Docker Hub stood in for: an open local registry set as the engine's registry mirror
    (its daemon.json, reloaded live), holding a small web server as nginx:alpine. Yields the
    name to pull; the engine's settings are put back afterwards."""
    with local_registry(tmp_path_factory.mktemp("hub-mirror"), auth=False) as mirror:
        image = push_hub_stand_in(docker_client, mirror, TEST_LABEL, BUSYBOX_BINARY)
        before = bundled_engine.settings.read()
        bundled_engine.apply_settings_blocking(
            {**before, "registry-mirrors": [f"http://{mirror.host}"]}
        )
        try:
            yield image
        finally:
            bundled_engine.apply_settings_blocking(before)
            with contextlib.suppress(Exception):
                docker_client.api.remove_image(image, force=True)


@pytest.fixture(scope="session")
def _secret_service_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    with secret_service(tmp_path_factory.mktemp("keyring")) as running:
        yield running


@pytest.fixture
def keyring_session(
    _secret_service_daemon: SecretService, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SecretService]:
    """A real Secret Service (gnome-keyring) on a private session bus, for this test; the
    logins the test kept are forgotten after it."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", _secret_service_daemon.bus_address)
    yield _secret_service_daemon
    store = CredentialStore()
    for host in store.registries():
        store.remove(host)


@pytest.fixture
def name() -> str:
    """A fresh name for one object a test creates."""
    return f"{TEST_NAME_PREFIX}{uuid.uuid4().hex[:10]}"


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real docker CLI against the test engine."""
    return subprocess.run(
        ["docker", *args], check=check, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return docker


@pytest.fixture
def label() -> list[str]:
    """CLI flags that mark an object as created by the tests."""
    return ["--label", f"{TEST_LABEL}=1"]


@pytest.fixture
def arun() -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run


@pytest.fixture(autouse=True)
def _no_unexpected_warning_logs(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Fail a test that logged a WARNING or worse (an unretrieved task exception, which
    asyncio logs when the task is collected, among them), unless it is marked
    `expect_warning_logs` with a pattern the message matches."""
    yield
    gc.collect()  # let asyncio report tasks whose exception nobody retrieved
    marker = request.node.get_closest_marker("expect_warning_logs")
    expected = re.compile(marker.args[0]) if marker else None
    unexpected = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for when in ("setup", "call", "teardown")
        for record in caplog.get_records(when)
        if record.levelno >= logging.WARNING
        and not (expected and expected.search(record.getMessage()))
    ]
    assert not unexpected, "unexpected log lines:\n" + "\n".join(unexpected)


@pytest.fixture(autouse=True)
def _no_stream_left_running() -> Iterator[None]:
    """Fail a test that leaves a stream's worker thread running."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        left = [
            t for t in threading.enumerate()
            if t not in before and t.name.startswith("stream:") and t.is_alive()
        ]  # fmt: skip
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not left, f"stream threads left running: {[t.name for t in left]}"
