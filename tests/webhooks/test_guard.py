"""SSRF protection: which URLs and addresses may receive webhooks."""

from __future__ import annotations

import socket

import pytest

from outreach.webhooks import guard
from outreach.webhooks.guard import InvalidUrl, TargetRefused, Unresolvable


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "gopher://example.com:70/",
        "example.com/hook",
        "http:///no-host",
        "http://user:pass@example.com/hook",
        "https://token@example.com/hook",
        "http://exa mple.com/",
        "http://example.com/\nX-Injected: 1",
        "http://example.com:99999/",
        "http://example.com:0/",
        "http://example.com:abc/",
        "https://bücher.example/",
        "https://example.com/#fragment",
        "http://-bad-.example/",
        "http://a..b/",
        "https://" + "a" * 1990 + ".com/",
    ],
)
def test_malformed_or_unsafe_urls_are_invalid(url: str) -> None:
    with pytest.raises(InvalidUrl):
        guard.parse_url(url)


def test_a_good_url_parses_to_its_host_and_default_port() -> None:
    assert guard.parse_url("https://Hooks.Example.com/x?y=1") == guard.Target(
        "https", "hooks.example.com", 443
    )
    assert guard.parse_url("http://[2606:4700::1111]:8080/") == guard.Target(
        "http", "2606:4700::1111", 8080
    )


# Every kind of address a webhook must never reach, with the reason it is refused.
REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "private"),  # carrier-grade NAT
    ("fd12:3456::1", "private"),  # unique local
    ("169.254.169.254", "cloud metadata"),
    ("169.254.170.2", "cloud metadata"),
    ("fd00:ec2::254", "cloud metadata"),
    ("100.100.100.200", "cloud metadata"),
    ("168.63.129.16", "cloud metadata"),
    ("192.0.0.192", "cloud metadata"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("255.255.255.255", "reserved"),
    ("240.0.0.1", "reserved"),
    ("0.1.2.3", "reserved"),
    ("192.0.2.10", "reserved"),  # documentation
    ("198.18.0.1", "reserved"),  # benchmarking
    ("2001:db8::1", "reserved"),
    ("2001::1", "reserved"),  # Teredo
    ("::7f00:1", "reserved"),  # IPv4-compatible ::127.0.0.1
    # IPv4 hidden in IPv6: mapped, NAT64 and 6to4 forms are judged by the IPv4 inside.
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:7f00:1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "cloud metadata"),
    ("2002:7f00:1::1", "loopback"),
    ("2002:a9fe:a9fe::1", "cloud metadata"),
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    why = guard.refusal(address)
    assert why is not None and why.startswith(reason), why


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert guard.refusal(address) is None


def test_the_test_setting_admits_loopback_and_private_but_nothing_else() -> None:
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.1", "fd12::1"):
        assert guard.refusal(address, allow_private=True) is None
    for address, reason in REFUSED:
        if reason not in ("loopback", "private"):
            assert guard.refusal(address, allow_private=True) is not None, address


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.5:9000/",
        "http://0.0.0.0:8000/",
        # Names that resolve to loopback, through the system resolver.
        "http://localhost/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/hook",
        "http://127.1/hook",
        "http://0177.0.0.1/hook",
    ],
)
async def test_urls_that_reach_forbidden_addresses_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        await guard.check_url(url, allow_private=False)


async def test_a_name_is_refused_when_any_of_its_addresses_is_forbidden() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {
            "mixed.test": ["93.184.216.34", "10.0.0.7"],
            "public.test": ["93.184.216.34", "2606:4700::6810:84e5"],
        }[host]

    with pytest.raises(TargetRefused, match="mixed.test resolves to 10.0.0.7"):
        await guard.check_url("https://mixed.test/hook", allow_private=False, resolver=resolver)
    assert await guard.check_url(
        "https://public.test/hook", allow_private=False, resolver=resolver
    ) == guard.Target("https", "public.test", 443)


async def test_a_name_that_does_not_resolve_is_reported() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(Unresolvable):
        await guard.check_url("https://nowhere.invalid/", allow_private=False, resolver=resolver)
