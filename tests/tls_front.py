"""The real engine reached over TCP with TLS, as a remote engine is: a listener on 127.0.0.1
that asks every client for a certificate signed by its CA and passes the bytes of those that
show one to the engine's unix socket. Certificates are made per test with openssl: a CA, the
engine's certificate for 127.0.0.1, and a client's."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path

from engine_bridge.engines.vm.certificates import Certificates
from engine_bridge.engines.vm.certificates import make_certificates as make_engine_certificates


def make_certificates(folder: Path, label: str = "dockyard-test") -> Certificates:
    """A CA, and the engine's and a client's certificates signed by it, for two days."""
    return make_engine_certificates(folder, label, days=2)


class TlsFront:
    """Listens on 127.0.0.1:`port` (a free one unless given) until `close()`."""

    def __init__(self, upstream: str, certificates: Certificates, port: int = 0) -> None:
        self.upstream = upstream
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH,
                                                  cafile=str(certificates.ca))  # fmt: skip
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.load_cert_chain(str(certificates.server_cert), str(certificates.server_key))
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self._closed = False
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, name="tls-front", daemon=True).start()

    @property
    def host(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                raw, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            client = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # no certificate, or one the CA did not sign: no engine for it
            return
        engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        engine.connect(self.upstream)
        with self._lock:
            self._open.update((client, engine))

        def pump(source: socket.socket, target: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    target.sendall(data)
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

        back = threading.Thread(target=pump, args=(engine, client), daemon=True)
        back.start()
        pump(client, engine)
        back.join(10)
        for end in (client, engine):
            end.close()
        with self._lock:
            self._open.difference_update((client, engine))

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        with self._lock:
            still = list(self._open)
        for end in still:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
