"""The application factory, and `app` for `gunicorn app:app` and `flask --app app`.

Importing this module builds nothing: `app` is made on first use (`__getattr__` below), so
tests, scripts and tools that import the factory do not create an instance folder, a
secret or a connection pool as a side effect."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

import database
import respond
import staff
from analytics.small_groups import SmallGroups
from api import errors as api_errors
from api import limits as api_limits
from api.views import bp as api_bp
from notifications import cli as notifications_cli
from surveys import cli
from util import languages
from web import (
    accessibility_settings,
    errors,
    i18n,
    log_masking,
    oidc_settings,
    rate_limits,
    security,
    static_files,
)
from web.health import bp as health_bp
from web.pages import bp as pages_bp

compress = Compress()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, overrides, extensions, blueprints, CLI commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(_defaults(app))
    app.config.from_prefixed_env(prefix="SURVEY")
    _from_environment(app)
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))

    app.extensions["small_groups"] = SmallGroups(int(app.config["SMALL_GROUP_MIN"]))
    accessibility_settings.init_app(app)  # a bad status or date stops the start here
    oidc_settings.init_app(app)  # so does an OpenID Connect provider that cannot work
    database.init_app(app)
    i18n.init_app(app)
    compress.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    errors.init_app(app)
    api_errors.init_app(app)
    log_masking.init_app(app)  # the development server's log, masked as gunicorn's

    app.register_blueprint(pages_bp)
    app.register_blueprint(respond.blueprint())
    app.register_blueprint(staff.blueprint())
    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    security.csrf.exempt(api_bp)  # token auth, GET only, no cookies: nothing to forge
    rate_limits.init_app(app)  # after the blueprints: it wraps their views
    api_limits.init_app(app)  # after rate_limits: it uses the limiter made there

    cli.init_app(app)
    notifications_cli.init_app(app)
    if app.config.get("BEHIND_PROXY"):
        # Links we print (set-password links, QR codes) must carry the public host and https,
        # and the limit on guessing follow-up codes counts per client, not per proxy. The
        # address is only ever used as a keyed digest for that count, never stored.
        # Flask's documented way to add middleware, though its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    return app


def _defaults(app: Flask) -> dict[str, Any]:
    instance = Path(app.instance_path)
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'survey.sqlite'}",
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(app.root_path) / "translations"),
        "LANGUAGES": tuple(languages.KNOWN),  # every language the code has texts for
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        "MAX_FORM_PARTS": 400,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_I18N_ENABLED": False,
        # Pages and charts only: static files are served precompressed (static_files.py).
        "COMPRESS_MIMETYPES": ["text/html", "image/svg+xml"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        # A page is compressed anew on every request, so the fastest levels: a survey page
        # of 22,391 bytes is 2,904 in brotli 1 (31 µs) and 2,312 in brotli 4, the default
        # (103 µs); gzip 1 2,988 (40 µs) against gzip 6 2,686 (123 µs) (`bench/README.md`).
        "COMPRESS_BR_LEVEL": 1,
        "COMPRESS_LEVEL": 1,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "SMALL_GROUP_MIN": 5,
    }


# The weekly digest's mail server, sender and the public address for its links
# (`notifications.settings` checks them when the digest is sent, not at start-up).
MAIL_SETTINGS = ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS",
                 "SMTP_SSL", "MAIL_FROM", "BASE_URL")


def _from_environment(app: Flask) -> None:
    """The documented variables without prefix: DATABASE_URL, SECRET_KEY, SECURE_COOKIES,
    BEHIND_PROXY, the mail settings (`MAIL_SETTINGS`) and the OpenID Connect providers
    (`OIDC_…`, read by `web.oidc_settings`)."""
    for key in ("DATABASE_URL", "SECRET_KEY", *MAIL_SETTINGS):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    for key, value in os.environ.items():
        if key.startswith("OIDC_"):
            app.config[key] = value
    truthy = {"1", "true", "yes"}
    if os.environ.get("SECURE_COOKIES", "").lower() in truthy:
        app.config["SESSION_COOKIE_SECURE"] = True
    if os.environ.get("BEHIND_PROXY", "").lower() in truthy:
        app.config["BEHIND_PROXY"] = True


def _development_secret(instance: Path) -> str:
    """A per-checkout secret for development; production sets SECRET_KEY."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()




def __getattr__(name: str) -> Flask:
    """`app`, built the first time it is asked for (gunicorn's `app:app`, `flask --app app`)
    and kept, so gunicorn's preloaded master and its hooks share one."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    built = create_app()
    globals()["app"] = built
    return built
