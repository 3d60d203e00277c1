"""Open redirects (issue 20): every `next` a page follows is checked in one place, and only
a path on this site passes. Browsers drop tabs and newlines from an address and read a
backslash as a slash, so `/\t/evil.example` would take the reader to //evil.example."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_of

HOSTILE = [
    "//evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example",
    "/\r/evil.example", "\\\\evil.example", "/\\evil.example", "https://evil.example/",
    "/%2F/evil.example", "///evil.example", " //evil.example", "/ /evil.example",
    "javascript:alert(1)", "/\x00/evil.example", "evil.example", "",
]
GOOD = ["/admin/surveys?status=open", "/s/abc", "/", "/admin/surveys?q=a%20b"]
# As an attacker writes them in the address, percent-encoded once.
RAW = ["/%09/evil.example", "/%0A/evil.example", "/%0d/evil.example", "/%5C/evil.example",
       "/%5C%5Cevil.example", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%00/evil.example"]


def location(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_leaves_the_site(client, target):
    where = location(client.get("/sprak/nb", query_string={"next": target}))
    assert where == "/", (target, where)


@pytest.mark.parametrize("raw", RAW)
def test_an_encoded_target_never_leaves_the_site(client, raw):
    assert location(client.get(f"/sprak/nb?next={raw}")) == "/", raw


@pytest.mark.parametrize("target", GOOD)
def test_the_language_switch_goes_back_to_a_page_of_the_site(client, target):
    assert location(client.get("/sprak/nb", query_string={"next": target})) == target


@pytest.mark.parametrize("raw", RAW[:4])
def test_signing_in_never_leaves_the_site(client, make_account, raw):
    make_account("leder@kommune.no")
    page = client.get("/admin/login").text
    response = client.post(f"/admin/login?next={raw}", data={
        "csrf_token": csrf_of(page), "email": "leder@kommune.no",
        "password": "en lang og god setning"})
    assert location(response) == "/admin/", (raw, location(response))
