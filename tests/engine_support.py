"""The real engine that tests and benchmarks use, and the tiny images they build.

`ensure_engine()` uses the engine the endpoints resolve to when it answers, and otherwise
starts Dockyard's bundled engine. It exports DOCKER_HOST so that the docker CLI run by a
test talks to the same engine. Everything a test creates carries TEST_LABEL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine_bridge import endpoints
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.bundled import BundledEngine
from engine_bridge.errors import EngineError
from engine_bridge.sdk import make_client

TEST_LABEL = "dockyard.test"
TEST_NAME_PREFIX = "dyt-"
BUSYBOX_IMAGE = "dockyard-test/busybox:latest"
BUSYBOX_BINARY = Path("/bin/busybox")

_DOCKERFILE = f"""\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
LABEL {TEST_LABEL}=1
CMD ["sh"]
"""


@dataclass
class EngineUnderTest:
    """The engine under test; `bundled` is set when the tests run Dockyard's own engine."""

    endpoint: Endpoint
    bundled: BundledEngine | None
    started_here: bool


def _answers(endpoint: Endpoint) -> bool:
    try:
        client = make_client(endpoint, timeout=5)
    except Exception:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


def ensure_engine() -> EngineUnderTest:
    """The engine the endpoints resolve to if it answers, else the bundled engine, started."""
    endpoint: Endpoint | None
    try:
        endpoint = endpoints.resolve()
    except EngineError:
        endpoint = None
    if endpoint is not None and _answers(endpoint):
        os.environ["DOCKER_HOST"] = endpoint.host
        return EngineUnderTest(endpoint, None, started_here=False)
    bundled = BundledEngine()
    was_running = bundled.pid is not None
    bundled.start_blocking()
    os.environ["DOCKER_HOST"] = bundled.endpoint.host
    os.environ.pop("DOCKER_CONTEXT", None)
    return EngineUnderTest(bundled.endpoint, bundled, started_here=not was_running)


def build_busybox_image(client: Any, tag: str = BUSYBOX_IMAGE) -> str:
    """Build a tiny image FROM scratch with the static busybox; returns its ID."""
    if not BUSYBOX_BINARY.exists():
        raise RuntimeError("The static busybox is missing: install Debian's busybox-static.")
    with tempfile.TemporaryDirectory(prefix="dockyard-image-") as context:
        shutil.copy(BUSYBOX_BINARY, Path(context) / "busybox")
        (Path(context) / "Dockerfile").write_text(_DOCKERFILE)
        image, _ = client.images.build(path=context, tag=tag, rm=True, forcerm=True)
    return str(image.id)


def build_files_image(
    client: Any, tag: str, files: dict[str, bytes], executables: tuple[str, ...] = ()
) -> str:
    """Build an image FROM scratch with one layer per file (so that it shares no layer with
    any other image); `executables` are the files that may run. Returns its ID."""
    lines = ["FROM scratch", *(f"COPY {name} /{name}" for name in files),
             f"LABEL {TEST_LABEL}=1"]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dockyard-image-") as context:
        for name, content in files.items():
            (Path(context) / name).write_bytes(content)
            (Path(context) / name).chmod(0o755 if name in executables else 0o644)
        (Path(context) / "Dockerfile").write_text("\n".join(lines) + "\n")
        image, _ = client.images.build(path=context, tag=tag, rm=True, forcerm=True)
    return str(image.id)


def remove_test_objects(client: Any) -> None:
    """Remove every container, volume and network that carries TEST_LABEL."""
    selector = {"label": TEST_LABEL}
    for container in client.api.containers(all=True, filters=selector):
        with contextlib.suppress(Exception):
            client.api.remove_container(container["Id"], force=True, v=True)
    # Volumes that `docker run -v name:/path` makes carry no label: the tests' names mark them.
    for volume in (client.api.volumes() or {}).get("Volumes") or []:
        if volume["Name"].startswith(TEST_NAME_PREFIX) or TEST_LABEL in (
            volume.get("Labels") or {}
        ):
            with contextlib.suppress(Exception):
                client.api.remove_volume(volume["Name"], force=True)
    # A Compose project's default network carries no label of the file's: its name marks it.
    for network in client.api.networks():
        if network["Name"].startswith(TEST_NAME_PREFIX) or TEST_LABEL in (
            network.get("Labels") or {}
        ):
            with contextlib.suppress(Exception):
                client.api.remove_network(network["Id"])
