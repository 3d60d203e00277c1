"""Public pages that are not a survey: front page, privacy, accessibility, language."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from surveys import retention
from util.urls import safe_next
from web import accessibility_settings
from web import accessibility_statement as known
from web.i18n import remember_language

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/personvern")
def privacy():
    """The privacy statement. Who is responsible, how to reach the data protection officer
    and how long answers are kept differ per installation, so they come from configuration;
    unset, the page says that the operator must fill them in, as the accessibility
    statement does."""
    config = current_app.config
    try:
        months = retention.configured_months(config)
        retention_known = True
    except ValueError:  # `flask retention` refuses it too; do not guess here
        current_app.logger.warning("SURVEY_RETENTION_MONTHS is not a number of months")
        months, retention_known = None, False
    return render_template(
        "pages/privacy.html",
        controller=config.get("PRIVACY_CONTROLLER"),
        dpo_contact=config.get("PRIVACY_DPO_CONTACT"),
        retention_months=months, retention_known=retention_known,
        small_group_min=current_app.extensions["small_groups"].minimum,
    )


@bp.get("/tilgjengelighet")
def accessibility():
    """The accessibility statement: the deviations the code knows of
    (`web.accessibility_statement`) and the operator's part, checked at start-up
    (`web.accessibility_settings`)."""
    return render_template(
        "pages/accessibility.html",
        statement=current_app.extensions[accessibility_settings.EXTENSION],
        deviations=known.DEVIATIONS, other_problems=known.OTHER_PROBLEMS,
    )


@bp.get("/sprak/<code>")
def language(code: str):
    """Remember a language and go back to a page of this site (never another host)."""
    response = redirect(safe_next(request.args.get("next"), url_for(".home")), code=303)
    if code in current_app.config["LANGUAGES"]:
        remember_language(response, code)
    return response
