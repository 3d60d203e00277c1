"""Static files as `make assets` built them: the brotli or gzip file each client accepts,
compressed once; a year's caching for hashed names only; the security headers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.test_security_headers import assert_secure_headers

BUILD = Path(__file__).resolve().parent.parent / "static" / "build"
MANIFEST = json.loads((BUILD / "manifest.json").read_text(encoding="utf-8"))
HASHED_CSS = "/static/" + MANIFEST["build/app.css"]
HASHED_JS = "/static/" + MANIFEST["js/respond.js"]
PLAIN_CSS = "/static/build/app.css"
BUNDLE = (BUILD / "app.css").read_bytes()
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}


@pytest.fixture(scope="module")
def static_client(tmp_path_factory) -> FlaskClient:
    """A client of an app whose database is never touched, one for the module: the tests
    only read static files, and building an app costs some 0.2 s."""
    unused = tmp_path_factory.mktemp("static") / "unused.sqlite"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{unused}"})
    return app.test_client()


@pytest.mark.parametrize(("accepted", "encoding"), [
    ("gzip, deflate, br", "br"),
    ("br", "br"),
    ("gzip", "gzip"),
    ("gzip, deflate", "gzip"),
    ("identity", None),
    ("", None),
])
def test_each_client_gets_the_encoding_it_accepts_compressed_once(static_client, accepted,
                                                                  encoding):
    for url in (HASHED_CSS, PLAIN_CSS):
        response = static_client.get(url, headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Content-Type"].startswith("text/css")
        assert DECODE[encoding](response.get_data()) == BUNDLE


def test_only_hashed_names_are_kept_a_year(static_client):
    for url in (HASHED_CSS, HASHED_JS):
        assert static_client.get(url).headers["Cache-Control"] == "max-age=31536000, immutable"
    for url in (PLAIN_CSS, "/static/js/respond.js", "/static/css/app.css"):
        cache = static_client.get(url).headers["Cache-Control"]
        assert "immutable" not in cache and "max-age=3600" in cache, url


def test_static_files_carry_the_security_headers(static_client):
    for url in (HASHED_CSS, HASHED_JS, PLAIN_CSS, "/static/css/app.css"):
        response = static_client.get(url, headers={"Accept-Encoding": "br"})
        assert_secure_headers(response)
        assert "Access-Control-Allow-Origin" not in response.headers


def test_pages_link_the_hashed_files_and_are_compressed_once(client, make_survey):
    token = make_survey("samling").public_token
    response = client.get(f"/s/{token}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    html = brotli.decompress(response.get_data()).decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    # at brotli's fastest level: a page is compressed anew on every request (app.py)
    assert response.get_data() == brotli.compress(html.encode(), quality=1, lgwin=22)
    assert f'href="{HASHED_CSS}"' in html and f'src="{HASHED_JS}"' in html
