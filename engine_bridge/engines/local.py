"""The system engine: whatever the docker CLI would use (DOCKER_HOST, context, socket)."""

from __future__ import annotations

from engine_bridge import endpoints
from engine_bridge.blocking import run_blocking
from engine_bridge.endpoints import Endpoint
from engine_bridge.engines.base import EngineProvider, Lifecycle
from engine_bridge.engines.probe import ping_socket
from engine_bridge.errors import EngineError, ErrorKind, explain
from engine_bridge.sdk import make_client


class SystemEngine(EngineProvider):
    """The engine the endpoints resolve to. Dockyard does not start or stop it."""

    label = "System engine"
    manageable = False

    def __init__(self, endpoint: Endpoint | None = None, label: str = "") -> None:
        super().__init__()
        self._endpoint = endpoint
        if endpoint is not None:
            self.kind = "context"
        if label:
            self.label = label

    @property
    def endpoint(self) -> Endpoint:
        if self._endpoint is None:
            self._endpoint = endpoints.resolve()
        return self._endpoint

    def check_blocking(self) -> bool:
        """Whether the engine answers now; the status says so either way."""
        try:
            endpoint = self.endpoint
            if endpoint.kind == "unix" and ping_socket(endpoint.address):
                self._set_status(Lifecycle.RUNNING)
                return True  # the quick path: no SDK client for a local socket that answers
            # Making the client asks the engine whether it is up, and says how it failed.
            make_client(endpoint, timeout=5, probe_timeout=2.0).close()
        except EngineError as exc:
            self._set_status(Lifecycle.ERROR, exc.in_words())
            return False
        except Exception as exc:
            error = explain(exc, self._endpoint)
            self._set_status(Lifecycle.ERROR, f"{error.title}. {error.hint}")
            return False
        self._set_status(Lifecycle.RUNNING)
        return True

    async def start(self) -> None:
        """Check that the engine is up; Dockyard cannot start the system engine itself."""
        if not await run_blocking(None, self.check_blocking):
            raise EngineError(
                ErrorKind.UNREACHABLE,
                f"The system engine at {self.endpoint.host} does not answer",
                self.status.message,
                "Start Docker on this machine, or use Dockyard's bundled engine.",
            )

    async def stop(self) -> None:
        """Dockyard leaves the system engine running; it only stops watching it."""
        self._set_status(Lifecycle.STOPPED)
