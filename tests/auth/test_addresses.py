"""The address a sign-in or join is counted under (auth.addresses.client_address) and the
COCKPIT_TRUSTED_PROXIES setting it gets its trusted proxies from (issue 16 item 4)."""
from __future__ import annotations

import pytest

from auth.addresses import UNKNOWN, client_address
from core.errors import ConfigError
from core.settings import load_settings

LOCAL = ("127.0.0.1", "::1")
OFFICE = ("10.0.0.0/8",)

CASES = [
    # peer, X-Forwarded-For, trusted proxies, counted as
    ("203.0.113.7", None, (), "203.0.113.7"),                                  # peer only
    ("203.0.113.7", "198.51.100.1", (), "203.0.113.7"),                        # nothing trusted: header ignored
    ("127.0.0.1", None, (), "127.0.0.1"),                                      # loopback is an address
    ("127.0.0.1", "198.51.100.1", (), "127.0.0.1"),                            # local proxy not trusted: its address
    ("::1", None, (), "::1"),
    (None, "198.51.100.1", LOCAL, UNKNOWN),                                     # no peer: never "None", never the header
    ("", None, (), UNKNOWN),
    ("127.0.0.1", "198.51.100.1", LOCAL, "198.51.100.1"),                      # trusted local proxy
    ("::1", "2001:db8::5", LOCAL, "2001:db8::5"),                              # IPv6 all the way
    ("::1", "198.51.100.1", LOCAL, "198.51.100.1"),
    ("::ffff:127.0.0.1", "198.51.100.1", ("127.0.0.1",), "198.51.100.1"),      # IPv4-mapped peer
    ("203.0.113.7", "1.2.3.4", LOCAL, "203.0.113.7"),                          # untrusted peer forges the header
    ("127.0.0.1", "1.2.3.4, 198.51.100.1", LOCAL, "198.51.100.1"),             # forged hop left of the real one
    ("127.0.0.1", "198.51.100.1, 10.1.2.3", LOCAL + OFFICE, "198.51.100.1"),  # two proxies of ours
    ("10.9.9.9", "1.2.3.4, 198.51.100.1, 10.1.2.3", OFFICE, "198.51.100.1"),   # several hops, CIDR
    ("127.0.0.1", "10.1.2.3, 10.4.5.6", LOCAL + OFFICE, "10.1.2.3"),           # every hop ours: the first
    ("127.0.0.1", "[2001:db8::9]:4711", LOCAL, "2001:db8::9"),                 # bracketed IPv6 with port
    ("127.0.0.1", "198.51.100.1:50123", LOCAL, "198.51.100.1"),                # IPv4 with port
    ("127.0.0.1", "", LOCAL, "127.0.0.1"),                                     # trusted proxy, empty header
    ("127.0.0.1", " , ", LOCAL, "127.0.0.1"),
    ("127.0.0.1", "1.2.3.4, garbage", LOCAL, "garbage"),                       # not an address: not believed further
    ("192.168.1.20", "198.51.100.1", ("192.168.1.20/32",), "198.51.100.1"),
    ("2001:db8::1", "198.51.100.1", ("2001:db8::/32",), "198.51.100.1"),      # IPv6 proxy, IPv4 client
]


@pytest.mark.parametrize("peer,forwarded_for,trusted,expected", CASES)
def test_client_address(peer, forwarded_for, trusted, expected):
    assert client_address(peer, forwarded_for, trusted) == expected


def test_trusted_proxies_setting_is_parsed_and_normalised(monkeypatch):
    monkeypatch.setenv("COCKPIT_TRUSTED_PROXIES", " 127.0.0.1, ::1 ,10.0.0.0/8,")
    assert load_settings().trusted_proxies == ("127.0.0.1/32", "::1/128", "10.0.0.0/8")
    monkeypatch.delenv("COCKPIT_TRUSTED_PROXIES")
    assert load_settings().trusted_proxies == ()  # default: no proxy is trusted


def test_unusable_trusted_proxies_are_all_listed(monkeypatch):
    monkeypatch.setenv("COCKPIT_TRUSTED_PROXIES", "127.0.0.1,localhost,10.0.0.0/33")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert [p.where for p in err.value.problems] == ["COCKPIT_TRUSTED_PROXIES[1]", "COCKPIT_TRUSTED_PROXIES[2]"]
    assert "'localhost' is not an IP address or CIDR network" in err.value.describe()


@pytest.mark.parametrize("name", ["COCKPIT_ARGON2_CONCURRENCY", "COCKPIT_MAX_PARTICIPANTS"])
@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_counts_must_be_whole_numbers(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()
