"""The certificates of an engine reached over TLS on 127.0.0.1: a CA made for it alone, the
engine's certificate for 127.0.0.1 and this computer's client certificate, all signed by that
CA (made with the openssl command). Keys are readable by their owner only."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from engine_bridge.errors import EngineError, ErrorKind


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    def complete(self) -> bool:
        return all(p.is_file() for p in (self.ca, self.server_cert, self.server_key,
                                         self.client_cert, self.client_key))  # fmt: skip


def certificates_in(folder: Path) -> Certificates:
    return Certificates(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem",
                        folder / "client.pem", folder / "client-key.pem")  # fmt: skip


def _openssl(*args: str, cwd: Path) -> None:
    try:
        done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
    except FileNotFoundError as exc:
        raise EngineError(ErrorKind.PROVIDER, "The openssl command is missing",
                          "Certificates for the engine are made with openssl.",
                          "Install it (on Debian: the package openssl).") from exc  # fmt: skip
    if done.returncode != 0:
        raise EngineError(ErrorKind.PROVIDER, "The engine's certificates could not be made",
                          done.stderr.strip()[-300:], "")  # fmt: skip


def make_certificates(folder: Path, label: str = "dockyard", days: int = 3650) -> Certificates:
    """A new CA in `folder`, and the engine's and a client's certificates signed by it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", str(days), "-subj",
             f"/CN={label} CA", "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=folder)  # fmt: skip
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    (folder / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={label} {who}",
                 "-keyout", f"{who}-key.pem", "-out", f"{who}.csr", cwd=folder)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                 "-CAcreateserial", "-days", str(days), "-extfile", f"{who}.ext",
                 "-out", f"{who}.pem", cwd=folder)  # fmt: skip
    for key in folder.glob("*-key.pem"):
        key.chmod(0o600)
    return certificates_in(folder)
