"""Public pages that are not a survey: front page, privacy, accessibility, language."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from web.i18n import remember_language

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/personvern")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/tilgjengelighet")
def accessibility():
    """The accessibility statement; the operator's parts come from configuration."""
    return render_template(
        "pages/accessibility.html",
        operator_limitations=current_app.config.get("ACCESSIBILITY_LIMITATIONS"),
        operator_contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
    )


@bp.get("/sprak/<code>")
def language(code: str):
    """Remember a language and go back to a page of this site (never another host)."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for(".home")
    response = redirect(target, code=303)
    if code in current_app.config["LANGUAGES"]:
        remember_language(response, code)
    return response
