"""EngineBridge: the async facade over one engine that the UI awaits.

Every blocking SDK call goes through `call()`, which runs it on this engine's own bounded
executor and turns whatever it raises into an `EngineError`. Streams get a thread each
(`stream()`), and are all closed with the bridge.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, ParamSpec, TypeVar

from engine_bridge import sdk
from engine_bridge.blocking import EnginePool, run_blocking
from engine_bridge.dto import EngineFacts
from engine_bridge.endpoints import Endpoint
from engine_bridge.errors import EngineError, ErrorKind, explain
from engine_bridge.live.reader import Source, StreamReader
from engine_bridge.operations import Operation, OperationLog

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

Client = sdk.Client


class EngineBridge:
    """The async facade over one engine.

    Attributes: `endpoint` (how it is reached), `operations` (every action run here),
    `facts` (what the engine said about itself at the last connect).
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_workers: int = 4,
        timeout: int = 60,
        probe_timeout: float = sdk.PROBE_TIMEOUT,
    ) -> None:
        self.endpoint = endpoint
        self.operations = OperationLog()
        self.facts: EngineFacts | None = None
        self._timeout = timeout
        self._probe_timeout = probe_timeout
        self._executor = EnginePool(max_workers, f"engine:{endpoint.name}")
        self._client: Client | None = None
        self._streams: set[StreamReader[Any]] = set()
        self._closed = False

    # --- the one helper for blocking calls --------------------------------------------

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking call on this engine's executor; errors come out as EngineError."""
        return await self._run(self._executor, fn, *args, **kwargs)

    async def call_long(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Like `call()`, on a thread outside the engine's executor: for minutes-long work."""
        return await self._run(None, fn, *args, **kwargs)

    async def _run(
        self, executor: Executor | None, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._closed:
            raise EngineError(ErrorKind.CANCELLED, "The connection to the engine was closed")
        try:
            return await run_blocking(executor, fn, *args, **kwargs)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise self.explain(exc) from exc

    def explain(self, exc: BaseException) -> EngineError:
        return explain(exc, self.endpoint)

    @property
    def sdk_client(self) -> Client:
        """The docker SDK client, for engine_bridge's own modules: the app never sees it."""
        if self._client is None:
            raise EngineError(
                ErrorKind.UNREACHABLE, "Not connected to the engine", hint="Connect first."
            )
        return self._client

    # --- connecting -------------------------------------------------------------------

    async def connect(self) -> EngineFacts:
        """Reach the engine (again), and read what it says about itself."""
        await self.ensure_client()
        return await self.refresh_facts()

    async def ensure_client(self) -> None:
        """Make the SDK client if there is none; this also checks that the engine answers."""
        if self._client is None:
            self._client = await self.call(
                sdk.make_client, self.endpoint, self._timeout, self._probe_timeout
            )

    async def disconnect(self) -> None:
        """Drop the client and its pooled connections; the next connect() makes a new one."""
        client, self._client = self._client, None
        if client is not None:
            # Not on the engine's executor, whose threads may all be stuck on a hung engine.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await run_blocking(None, client.close)

    async def refresh_facts(self) -> EngineFacts:
        client = self.sdk_client
        version, info = await asyncio.gather(self.call(client.version), self.call(client.info))
        self.facts = EngineFacts.from_api(version, info)
        return self.facts

    # --- streams ----------------------------------------------------------------------

    def stream(
        self,
        name: str,
        open_source: Callable[[Client], Source[T]],
        sink: Callable[[T], None] | None = None,
    ) -> StreamReader[T]:
        """Start a stream read on its own thread; it is closed with the bridge at the latest."""
        client = self.sdk_client
        reader: StreamReader[T] = StreamReader(
            lambda: sdk.ResponseStream(open_source(client)),
            name=f"{self.endpoint.name}:{name}",
            explain=self.explain,
            sink=sink,
        )
        self._streams = {s for s in self._streams if s.thread.is_alive()}
        self._streams.add(reader)
        return reader.start()

    def events(self) -> StreamReader[dict[str, Any]]:
        """The engine's /events stream, decoded, from now on."""
        return self.stream("events", lambda client: client.api.events(decode=True))

    async def close_stream(self, reader: StreamReader[Any]) -> None:
        self._streams.discard(reader)
        await reader.aclose()

    # --- operations -------------------------------------------------------------------

    async def perform(self, operation: Operation[T]) -> Operation[T]:
        """Run a user action and record it; raises its EngineError when it fails (or was
        cancelled: kind CANCELLED)."""
        loop = asyncio.get_running_loop()
        log_ = self.operations

        def progress_changed() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
                loop.call_soon_threadsafe(log_.changed, operation)

        operation.on_progress = progress_changed
        operation.mark_running()
        self.operations.changed(operation)
        try:
            if operation.cancel_requested is not None:
                # Long transfers get a thread of their own: they must not hold up the
                # engine's executor, which serves every list and inspect meanwhile.
                result = await self.call_long(operation.work, self.sdk_client)
            else:
                result = await self.call(operation.work, self.sdk_client)
        except EngineError as exc:
            operation.mark_failed(exc)
            self.operations.changed(operation)
            raise
        operation.mark_done(result)
        self.operations.changed(operation)
        return operation

    # --- closing ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close every stream and the client; blocking calls still running are abandoned."""
        if self._closed:
            return
        streams, self._streams = list(self._streams), set()
        await asyncio.gather(*(s.aclose() for s in streams), return_exceptions=True)
        await self.disconnect()
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)
