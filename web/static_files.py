"""Static files, served by WhiteNoise in front of Flask, as `make assets` built them.

Why WhiteNoise: it serves the brotli or gzip file that `make assets` made (at the highest
levels, once) to each client that accepts it, with `Vary: Accept-Encoding`, ETags and
ranges, so no request compresses a stylesheet again; it is a small, well-kept WSGI library.
Files whose names carry their content's hash (`tools/hash_assets.py`) are kept by browsers
for a year; `url_for('static', ...)` gives those names through the build's manifest.

WhiteNoise answers before Flask, so Flask's `after_request` never sees these responses:
they get the security headers here.
"""

from __future__ import annotations

import json
from pathlib import Path
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise

from web import security

IMMUTABLE = "max-age=31536000, immutable"


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder or "static")
    manifest = read_manifest(folder / "build" / "manifest.json")
    hashed_urls = {f"{app.static_url_path}/{name}" for name in manifest.values()}

    def hashed_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    def add_headers(headers: Headers, path: str, url: str) -> None:
        headers["Content-Security-Policy"] = security.CONTENT_SECURITY_POLICY
        for name, value in security.HEADERS.items():
            headers[name] = value
        if url in hashed_urls:
            headers["Cache-Control"] = IMMUTABLE

    app.url_defaults(hashed_name)
    # Flask's documented way to add middleware, though its types declare wsgi_app a method.
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app, root=folder, prefix=app.static_url_path,
        max_age=app.config["SEND_FILE_MAX_AGE_DEFAULT"], allow_all_origins=False,
        add_headers_function=add_headers)


def read_manifest(path: Path) -> dict[str, str]:
    """{name in the templates: hashed name}, both relative to the static folder; empty before
    `make assets` (the plain names are then served, with the short lifetime)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
