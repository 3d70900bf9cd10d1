"""A unix socket in front of the real engine that passes every byte through, and can be told
to misbehave the way engines and networks do: cut the answer to one request part-way, stall
it (stop passing it on, connection kept open), or go away and come back like an engine that
was stopped and started again. The engine behind it is real; only the fault is made here."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_REQUEST_LINE = re.compile(rb"[A-Z]+ /")


@dataclass
class _Fault:
    request: re.Pattern[bytes]
    after: int  # bytes of the answer passed on before the fault
    kind: str  # "cut" or "stall"
    hits: int = 0


class _Link:
    """One client connection and its connection to the engine."""

    def __init__(self, proxy: EngineProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.engine.connect(proxy.upstream)
        self.fault: _Fault | None = None
        self.passed = 0
        for target, name in ((self._requests, "proxy-up"), (self._answers, "proxy-down")):
            threading.Thread(target=target, name=name, daemon=True).start()

    def _requests(self) -> None:
        with contextlib.suppress(OSError):
            while data := self.client.recv(65536):
                if _REQUEST_LINE.match(data):  # a new request: its own fault, or none
                    self.fault, self.passed = self.proxy.fault_for(data), 0
                self.engine.sendall(data)
        self.close()

    def _answers(self) -> None:
        with contextlib.suppress(OSError):
            while data := self.engine.recv(65536):
                fault = self.fault
                if fault is not None and self.passed + len(data) > fault.after:
                    self.client.sendall(data[: fault.after - self.passed])
                    if fault.kind == "cut":
                        break
                    self.proxy.stalled.wait()  # until the proxy closes
                    break
                self.passed += len(data)
                self.client.sendall(data)
        self.close()

    def close(self) -> None:
        for sock in (self.client, self.engine):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class EngineProxy:
    """Passes `path` through to the engine's socket `upstream`. Attributes: `host`."""

    def __init__(self, upstream: str, path: Path) -> None:
        self.upstream = upstream
        self.path = path
        self.stalled = threading.Event()
        self._faults: list[_Fault] = []
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.come_back()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def cut(self, request: str, after: int) -> _Fault:
        """Cut the answer to the next request matching `request` after `after` bytes."""
        return self._arm(request, after, "cut")

    def stall(self, request: str, after: int) -> _Fault:
        """Stop passing on the answer to the next matching request after `after` bytes, and
        keep its connection open."""
        return self._arm(request, after, "stall")

    def _arm(self, request: str, after: int, kind: str) -> _Fault:
        fault = _Fault(re.compile(request.encode()), after, kind)
        with self._lock:
            self._faults.append(fault)
        return fault

    def fault_for(self, data: bytes) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.request.search(data.split(b"\r\n", 1)[0]):
                    self._faults.remove(fault)
                    fault.hits += 1
                    return fault
        return None

    def go_down(self) -> None:
        """Stop listening and drop every connection, as a stopped engine does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()
        self.path.unlink(missing_ok=True)

    def come_back(self) -> None:
        """Listen again."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), name="proxy", daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                link = _Link(self, client)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links.append(link)

    def close(self) -> None:
        self.stalled.set()
        self.go_down()


@contextlib.contextmanager
def engine_proxy(upstream: str, path: Path) -> Iterator[EngineProxy]:
    proxy = EngineProxy(upstream, path)
    try:
        yield proxy
    finally:
        proxy.close()


class ProxyProcess:
    """An EngineProxy in a process of its own (so that its threads and sockets are not
    counted with the app's), told to go "down" and come back "up"."""

    def __init__(self, upstream: str, path: Path) -> None:
        self.path = path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.engine_proxy", upstream, str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._answer()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def _answer(self) -> None:
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ok":
            raise RuntimeError("the proxy did not start")

    def say(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()
        self._answer()

    def close(self) -> None:
        self.process.communicate(timeout=10)  # closing its input ends it


def main() -> None:
    """`python -m tests.engine_proxy UPSTREAM PATH`: a proxy in a process of its own, told
    "down" or "up" on standard input; it answers "ok" to each."""
    proxy = EngineProxy(sys.argv[1], Path(sys.argv[2]))
    print("ok", flush=True)
    for line in sys.stdin:
        if line.strip() == "down":
            proxy.go_down()
        elif line.strip() == "up":
            proxy.come_back()
        print("ok", flush=True)
    proxy.close()


if __name__ == "__main__":
    main()
