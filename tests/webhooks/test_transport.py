"""The HTTP POST against real local receivers: redirects, huge and slow answers, hangs,
refused targets and DNS rebinding."""

from __future__ import annotations

import socket
import time

from outreach.webhooks.policy import DELIVERED, FAILED, RETRY
from outreach.webhooks.transport import WebhookSender
from tests.webhooks.receiver import Answer, always, receiving

BODY = b'{"id":"evt_1"}'
HEADERS = {"Content-Type": "application/json", "X-PMS-Event-Id": "evt_1"}


async def test_a_2xx_is_delivered_with_the_exact_bytes_and_headers() -> None:
    sender = WebhookSender(allow_private=True)
    async with receiving(always(204, body=b"")) as r:
        result = await sender.post(r.url + "/hook?x=1", BODY, HEADERS)
    assert result.outcome == DELIVERED and result.status_code == 204
    [hit] = r.hits
    assert (hit.method, hit.path, hit.body) == ("POST", "/hook?x=1", BODY)
    assert hit.headers["content-type"] == "application/json"
    assert hit.headers["x-pms-event-id"] == "evt_1"
    assert result.started_at is not None and result.duration_ms >= 0
    await sender.aclose()


async def test_a_redirect_is_never_followed() -> None:
    sender = WebhookSender(allow_private=True)
    async with receiving() as target:
        redirect = always(302, headers={"Location": target.url + "/stolen"})
        async with receiving(redirect) as r:
            result = await sender.post(r.url + "/hook", BODY, HEADERS)
    assert result.outcome == FAILED and result.status_code == 302
    assert result.error == f"HTTP 302: redirect to {target.url}/stolen not followed"
    assert len(r.hits) == 1
    assert target.hits == []
    await sender.aclose()


async def test_a_10_mb_response_is_capped_at_2_kb() -> None:
    sender = WebhookSender(allow_private=True)
    async with receiving(lambda hit: Answer(200, size=10 * 1024 * 1024)) as r:
        clock = time.monotonic()
        result = await sender.post(r.url, BODY, HEADERS)
        elapsed = time.monotonic() - clock
    assert result.outcome == DELIVERED
    assert result.response_body == "x" * 2048
    assert elapsed < 2
    await sender.aclose()


async def test_a_receiver_that_hangs_times_out_and_frees_the_slot() -> None:
    sender = WebhookSender(allow_private=True, timeout=1.0)
    async with receiving(lambda hit: Answer(hang=True)) as r:
        clock = time.monotonic()
        result = await sender.post(r.url, BODY, HEADERS)
        elapsed = time.monotonic() - clock
    assert len(r.hits) == 1  # it got the request, and never answered
    assert result.outcome == RETRY
    assert result.error == "Timeout: no complete answer within 1 s"
    assert 0.9 < elapsed < 2.0
    await sender.aclose()


async def test_a_receiver_that_drips_its_answer_cannot_outlast_the_deadline() -> None:
    # Each byte arrives well within any per-read timeout; the whole answer would take 10 s.
    sender = WebhookSender(allow_private=True, timeout=1.0)
    async with receiving(lambda hit: Answer(200, body=b"y" * 100, drip=0.1)) as r:
        clock = time.monotonic()
        result = await sender.post(r.url, BODY, HEADERS)
        elapsed = time.monotonic() - clock
    assert result.outcome == RETRY and result.error and result.error.startswith("Timeout")
    assert elapsed < 2.0
    await sender.aclose()


async def test_a_closed_port_is_a_transient_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    sender = WebhookSender(allow_private=True)
    result = await sender.post(f"http://127.0.0.1:{port}/", BODY, HEADERS)
    assert result.outcome == RETRY and result.status_code is None
    assert result.error and "ConnectError" in result.error
    await sender.aclose()


async def test_a_forbidden_target_is_refused_at_connect_time_without_a_request() -> None:
    sender = WebhookSender(allow_private=False)  # production: loopback is refused
    async with receiving() as r:
        for url in (
            r.url,
            r.url.replace("127.0.0.1", "localhost"),
            r.url.replace("127.0.0.1", "[::ffff:127.0.0.1]"),
        ):
            result = await sender.post(url, BODY, HEADERS)
            assert result.outcome == FAILED, url
            assert result.error and "loopback" in result.error
    assert r.hits == []
    await sender.aclose()


async def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name resolves to an allowed address once, then to the metadata
    address. The request reaches the first (checked) address, resolved exactly once, and a
    new connection is checked again and refused."""
    answers = [["127.0.0.1"], ["169.254.169.254"]]
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    async with receiving(always(200, headers={"Connection": "close"})) as r:
        port = r.url.rsplit(":", 1)[1]
        sender = WebhookSender(allow_private=True, resolver=rebinding)
        first = await sender.post(f"http://rebind.test:{port}/hook", BODY, HEADERS)
        assert first.outcome == DELIVERED
        assert asked == ["rebind.test"]
        assert r.hits[0].headers["host"] == f"rebind.test:{port}"

        second = await sender.post(f"http://rebind.test:{port}/hook", BODY, HEADERS)
        assert second.outcome == FAILED
        assert "rebind.test resolves to 169.254.169.254, a cloud metadata address" in (
            second.error or ""
        )
        assert len(r.hits) == 1
        await sender.aclose()


async def test_a_response_with_nul_bytes_is_stored_as_text() -> None:
    sender = WebhookSender(allow_private=True)
    async with receiving(always(500, body=b"bad\x00\xff")) as r:
        result = await sender.post(r.url, BODY, HEADERS)
    assert result.outcome == RETRY and result.status_code == 500
    assert result.response_body == "bad\ufffd\ufffd"
    await sender.aclose()
