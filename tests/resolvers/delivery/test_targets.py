"""The SSRF / DNS-rebinding guard of webhook and gateway URLs (resolvers/delivery/targets.py):
private, loopback, link-local and multicast addresses refused unless configured; a name
resolved once and connected to by address, with the original Host header and TLS server name
(a real https receiver checks SNI and the certificate for the name)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from resolvers.delivery.channels import ChannelError, HttpGatewayChannel, Outgoing
from resolvers.delivery.targets import Refused, TargetPolicy, parse_networks, resolve
from resolvers.delivery.worker import run_once
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running
from tests.resolvers.delivery.test_webhooks import CONFIG, _deliveries, _report, _subscribe

STRICT = TargetPolicy()
LOOPBACK = TargetPolicy(allowed=parse_networks("127.0.0.0/8, ::1/128"))


def _localhost() -> str:
    """The address `localhost` resolves to first here (what the guard pins to)."""
    return str(socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)[0][4][0])


@pytest.mark.parametrize(
    ("url", "policy", "code"),
    [
        ("http://127.0.0.1:9/hook", STRICT, "PRIVATE_ADDRESS"),
        ("http://localhost:9/hook", STRICT, "PRIVATE_ADDRESS"),
        ("http://169.254.169.254/latest/meta-data", STRICT, "PRIVATE_ADDRESS"),
        ("http://10.1.2.3/", STRICT, "PRIVATE_ADDRESS"),
        ("http://100.64.0.1/", STRICT, "PRIVATE_ADDRESS"),  # shared address space
        ("http://[::1]:9/", STRICT, "PRIVATE_ADDRESS"),
        ("http://[fe80::1]/", STRICT, "PRIVATE_ADDRESS"),
        ("http://[::ffff:127.0.0.1]/", STRICT, "PRIVATE_ADDRESS"),  # mapped: judged as v4
        ("http://0.0.0.0:9/", TargetPolicy(allow_private=True), "PRIVATE_ADDRESS"),
        ("http://224.0.0.1/", TargetPolicy(allow_private=True), "MULTICAST_ADDRESS"),
        ("http://[ff02::1]/", STRICT, "MULTICAST_ADDRESS"),
        ("http://10.1.2.3/", LOOPBACK, "PRIVATE_ADDRESS"),  # allowed networks: only those
        ("ftp://example.org/", STRICT, "SCHEME"),
        ("http://no-such-host.invalid/", STRICT, "UNRESOLVABLE"),
    ],
)
async def test_refused(url: str, policy: TargetPolicy, code: str) -> None:
    with pytest.raises(Refused) as refused:
        await resolve(url, policy)
    assert refused.value.code == code


async def test_pinned_to_the_address_with_the_name_kept() -> None:
    public = await resolve("https://93.184.216.34/x", STRICT)  # a public literal: allowed
    assert (public.url, public.sni, public.host) == (
        "https://93.184.216.34/x",
        None,
        "93.184.216.34",
    )
    local = _localhost()
    literal = f"[{local}]" if ":" in local else local
    pinned = await resolve("https://u:p@LocalHost:8443/p/a?q=1#f", LOOPBACK)
    assert pinned.url == f"https://u:p@{literal}:8443/p/a?q=1#f"
    assert (pinned.host, pinned.sni, pinned.address) == ("LocalHost:8443", "localhost", local)
    assert pinned.extensions == {"sni_hostname": "localhost"}
    plain = await resolve("http://localhost/", TargetPolicy(allow_private=True))
    assert (plain.host, plain.sni, plain.extensions) == ("localhost", None, {})
    assert ipaddress.ip_address(plain.address).is_loopback


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, bytes]]:
    """A self-signed certificate for the name `localhost` only: (cert, key, PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "cert.pem", folder / "key.pem", pem


@pytest.mark.private_db
async def test_webhook_over_tls_by_address_with_sni_and_host(
    seeded_db: TestDatabase, client: GraphQLClient, certificate: tuple[Path, Path, bytes]
) -> None:
    """https://localhost:…: the worker connects to the resolved address; the receiver sees
    the name in SNI and Host, and the certificate (for `localhost` only) verifies."""
    cert, key, pem = certificate
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cadata=pem.decode())
    config = replace(
        CONFIG, allow_private=False, allowed_networks=parse_networks("127.0.0.0/8,::1/128")
    )
    receiver = Receiver()
    with running(receiver, bind=_localhost(), name="localhost", tls=server):
        sub = await _subscribe(seeded_db, client, receiver.url)
        receiver.secrets = [sub["secret"]]
        await _report(client, "经由地址")
        async with httpx.AsyncClient(verify=trusting, trust_env=False) as outbound:
            await run_once(seeded_db.engine, config, outbound)
    (got,) = receiver.delivered()
    assert got.verified
    assert receiver.sni == "localhost"
    assert got.headers["host"] == receiver.url.split("/")[2]  # localhost:<port>
    assert [d["status"] for d in await _deliveries(seeded_db)] == ["DELIVERED"]


@pytest.mark.private_db
async def test_webhook_to_loopback_refused_by_default(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """Without the allowance nothing is sent; the delivery records the typed refusal."""
    receiver = Receiver()
    with running(receiver, name="localhost", bind=_localhost()):
        await _subscribe(seeded_db, client, receiver.url)
        await _report(client, "内网")
        strict = replace(CONFIG, allow_private=False, allowed_networks=parse_networks("10.0.0.0/8"))
        await run_once(seeded_db.engine, strict)
    assert receiver.received == []
    (delivery,) = await _deliveries(seeded_db)
    assert delivery["status"] == "PENDING"
    assert delivery["last_error"].startswith("refused PRIVATE_ADDRESS: localhost resolves to")


async def test_gateway_guarded_alike() -> None:
    """A gateway on loopback: refused by default (nothing received), sent when allowed, to
    the address with the Host header of the name."""
    receiver = Receiver()
    message = Outgoing("n-1", "13800000000", "主题", "正文")
    with running(receiver, name="localhost", bind=_localhost()):
        strict = HttpGatewayChannel(url=receiver.url, policy=STRICT)
        with pytest.raises(ChannelError, match="refused PRIVATE_ADDRESS"):
            await strict.send(message)
        assert receiver.received == []
        allowed = HttpGatewayChannel(url=receiver.url, policy=LOOPBACK)
        await allowed.send(message)
    (got,) = receiver.received
    assert got.body["to"] == "13800000000"
    assert got.headers["host"] == receiver.url.split("/")[2]
