"""Real SMTP servers on loopback for the tests (and bench/smtp_reuse.py): aiosmtpd with
AUTH (PLAIN, LOGIN; one user and password, anything else answered 535), STARTTLS or
implicit TLS under a certificate made here (a throwaway CA, a server certificate for
"localhost" and 127.0.0.1), recording the messages and counting connections and logins.

    async with smtp_server(tls="starttls", username="u", password="p") as srv:
        settings = Settings(..., smtp_ca_file=srv.ca_file)      # trust the test CA
        await mail.deliver(settings, raw, sender, rcpt, before_data,
                           target=srv.target(pool_key="mbx_1"))
        assert len(srv.messages) == 1 and srv.connections == 1 and srv.auths == 1

(`with smtp_server(...)` works too.) The server runs on its own event loop in a thread;
`srv.target()` names it "localhost" (resolved, checked, connected to 127.0.0.1: TLS then
verifies the name) with `allow_private=True`.

Failure knobs, set before the send they affect: `rcpt_replies[address] = "550 5.1.1 No
such user"`; `drop_on_mail = n` (the next n MAIL commands get no answer, the connection is
cut: a dead reused connection); `drop_in_data = n` (the next n messages are stored, then the
connection is cut before the final reply: the "unknown" window); `drop_connections()` (the
server closes every open connection, as an idle timeout would).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import logging
import socket
import ssl
import tempfile
import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from outreach.mail import SmtpTarget

Tls = Literal["none", "starttls", "tls"]
logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's own deprecation notes


# -- certificates --------------------------------------------------------------------------


@dataclass(frozen=True)
class TestCertificate:
    ca_file: str  # the CA to trust (PEM)
    cert_file: str  # the server's chain (PEM)
    key_file: str


_CERTS: dict[tuple[str, ...], TestCertificate] = {}
_CERTS_LOCK = threading.Lock()


def make_certificate(names: Sequence[str] = ("localhost", "127.0.0.1")) -> TestCertificate:
    """A CA and a server certificate for `names` (DNS names or IP addresses), P-256, in a
    temp dir; made once per process per set of names."""
    key = tuple(names)
    with _CERTS_LOCK:
        if key in _CERTS:
            return _CERTS[key]
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "outreach test CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        alt: list[x509.GeneralName] = []
        for name in names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        root = Path(tempfile.mkdtemp(prefix="outreach-smtp-cert-"))
        pem = serialization.Encoding.PEM
        (root / "ca.pem").write_bytes(ca.public_bytes(pem))
        (root / "cert.pem").write_bytes(cert.public_bytes(pem))
        (root / "key.pem").write_bytes(
            server_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        made = TestCertificate(str(root / "ca.pem"), str(root / "cert.pem"), str(root / "key.pem"))
        _CERTS[key] = made
        return made


def _server_context(cert: TestCertificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert.cert_file, cert.key_file)
    return context


# -- the server ----------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    login: str | None  # the user that logged in on that connection
    tls: bool  # the message came over TLS (STARTTLS or implicit)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, srv: SmtpServer) -> None:
        self.srv = srv

    async def _cut(self, server: SMTP) -> None:
        raw = server._original_transport or server.transport
        if raw is not None:
            raw.abort()
        await asyncio.sleep(3600)  # cancelled by connection_lost

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> Any:
        if self.srv.drop_on_mail > 0:
            self.srv.drop_on_mail -= 1
            await self._cut(server)
        return MISSING

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.srv.rcpt_replies.get(address.lower())
        if reply and not reply.startswith("250"):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        data = envelope.original_content or b""
        self.srv.messages.append(
            Received(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                data=bytes(data),
                login=login,
                tls=server.transport is not None
                and server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        if self.srv.drop_in_data > 0:
            self.srv.drop_in_data -= 1
            await self._cut(server)
        return "250 2.0.0 OK queued"

    async def handle_RSET(self, server: SMTP, session: Session, envelope: Envelope) -> Any:
        self.srv.rsets += 1
        return MISSING


class _CountingSMTP(SMTP):
    def __init__(self, srv: SmtpServer, *args: Any, **kwargs: Any) -> None:
        self._srv = srv
        super().__init__(*args, **kwargs)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self.transport is None  # a second call comes after STARTTLS
        super().connection_made(transport)
        if first:
            self._srv.connections += 1
            self._srv._live.add(self)

    def connection_lost(self, error: Exception | None) -> None:
        self._srv._live.discard(self)
        super().connection_lost(error)


class _Controller(Controller):
    def __init__(self, srv: SmtpServer, **kwargs: Any) -> None:
        self._srv = srv
        super().__init__(_Handler(srv), **kwargs)

    def factory(self) -> SMTP:
        with warnings.catch_warnings():  # "AUTH without requiring TLS": implicit TLS is TLS
            warnings.simplefilter("ignore", UserWarning)
            return _CountingSMTP(self._srv, self.handler, **self.SMTP_kwargs)


class SmtpServer:
    """One aiosmtpd server on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        *,
        tls: Tls = "none",
        username: str | None = None,
        password: str | None = None,
        cert_names: Sequence[str] = ("localhost", "127.0.0.1"),
        idle_timeout: float = 300.0,
    ) -> None:
        self.tls: Tls = tls
        self.username = username
        self.password = password
        self.host = "127.0.0.1"  # where it listens
        self.hostname = "localhost"  # the name targets use (and the certificate carries)
        self.port = _free_port()
        self.cert = make_certificate(cert_names) if tls != "none" else None
        self.ca_file: str | None = self.cert.ca_file if self.cert else None
        self.messages: list[Received] = []
        self.connections = 0  # TCP connections accepted
        self.auths = 0  # successful logins
        self.auth_failures = 0
        self.rsets = 0
        self.rcpt_replies: dict[str, str] = {}
        self.drop_on_mail = 0
        self.drop_in_data = 0
        self._live: set[_CountingSMTP] = set()
        self._idle_timeout = idle_timeout
        self._controller: _Controller | None = None

    # -- lifecycle
    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {
            "hostname": self.host,
            "port": self.port,
            "server_hostname": "mx.test",
            "timeout": self._idle_timeout,
        }
        context = _server_context(self.cert) if self.cert else None
        if self.tls == "tls":
            kwargs["ssl_context"] = context
        elif self.tls == "starttls":
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
        if self.username is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            # aiosmtpd's own check knows STARTTLS only: over implicit TLS it would offer
            # no AUTH at all (the channel is encrypted anyway).
            kwargs["auth_require_tls"] = self.tls == "starttls"
        self._controller = _Controller(self, **kwargs)
        self._controller.start()
        self._wait(lambda: not self._live)  # the controller's own start-up probe
        self.connections = 0
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> SmtpServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    # -- helpers
    def target(self, **overrides: Any) -> SmtpTarget:
        """An SmtpTarget for this server: by name ("localhost"), loopback allowed, its
        credentials; `overrides` replace any field (`pool_key="mbx_1"`, `password="x"`)."""
        fields: dict[str, Any] = {
            "host": self.hostname,
            "port": self.port,
            "tls": self.tls,
            "username": self.username,
            "password": self.password,
            "timeout": 10.0,
            "pool_key": None,
            "allow_private": True,
        }
        fields.update(overrides)
        return SmtpTarget(**fields)

    @property
    def open_connections(self) -> int:
        return len(self._live)

    def drop_connections(self) -> None:
        """Close every open connection from the server's side (waits until they are)."""
        controller = self._controller
        assert controller is not None

        def close_all() -> None:
            for proto in list(self._live):
                # The TCP transport itself: a TLS close would wait for the client's answer.
                raw = proto._original_transport or proto.transport
                if raw is not None:
                    raw.close()

        controller.loop.call_soon_threadsafe(close_all)
        self._wait(lambda: not self._live)

    async def wait_closed(self, within: float = 5.0) -> None:
        """Until no connection is open (the client closed its side)."""
        deadline = time.monotonic() + within
        while self._live:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self._live)} connection(s) still open")
            await asyncio.sleep(0.02)

    def _wait(self, done: Any, within: float = 5.0) -> None:
        deadline = time.monotonic() + within
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError("the test SMTP server did not settle")
            time.sleep(0.01)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.username
            and data.password.decode() == (self.password or "")
        )
        if ok:
            self.auths += 1
        else:
            self.auth_failures += 1
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)


def smtp_server(
    *,
    tls: Tls = "none",
    username: str | None = None,
    password: str | None = None,
    cert_names: Sequence[str] = ("localhost", "127.0.0.1"),
    idle_timeout: float = 300.0,
) -> SmtpServer:
    """A server to use with `async with` (or `with`): started on entry, stopped on exit."""
    return SmtpServer(
        tls=tls,
        username=username,
        password=password,
        cert_names=cert_names,
        idle_timeout=idle_timeout,
    )
