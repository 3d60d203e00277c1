"""Anonymity and "nothing from another host": checked on the schema and on every page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from surveys.models import Response, SingleUseLink
from tests.conftest import form_tokens, respond

pytestmark = pytest.mark.both_backends  # the schema as each dialect has it

PUBLIC_PAGES = ["/", "/personvern", "/tilgjengelighet"]


def test_a_response_stores_only_answers_language_version_and_date():
    columns = {c.name for c in Response.__table__.columns}
    assert columns == {"id", "survey_id", "questionnaire_version_id", "language",
                       "submitted_on", "source", "submission_key", "is_follow_up",
                       "pair_id", "due_on",  # the pair of a baseline and its follow-up
                       "released",  # released in a batch of k (surveys.batches)
                       "released_on",  # the batch's day, which the row exports show
                       "early"}  # a paper follow-up confirmed before the earliest day
    for day in (Response.__table__.c.submitted_on, Response.__table__.c.released_on):
        assert isinstance(day.type, sa.Date) and not isinstance(day.type, sa.DateTime)


def test_link_use_cannot_be_joined_to_a_response():
    """The attack itself (xmin, ctid, sequences) is in tests/test_anonymity_database.py;
    here the schema: a link is a digest, with no key to or from a response."""
    columns = {c.name for c in SingleUseLink.__table__.columns}
    assert columns == {"token_digest", "survey_id"}
    for fk in Response.__table__.foreign_keys:
        assert fk.column.table.name != "single_use_links"


def test_nothing_about_the_client_is_stored(app, client, make_survey):
    survey = make_survey("psfs")
    start = client.get(f"/s/{survey.public_token}",
                       headers={"User-Agent": "SecretAgent/1.0"},
                       environ_base={"REMOTE_ADDR": "203.0.113.77"})
    client.post(f"/s/{survey.public_token}", data={
        **form_tokens(start.get_data(as_text=True)), "nav": "submit",
        "activities-0-activity": "Gå", "activities-0-score": "4"},
        headers={"User-Agent": "SecretAgent/1.0"}, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    engine = app.extensions["db_engine"]
    with engine.connect() as connection:
        dump = []
        metadata = sa.MetaData()
        metadata.reflect(bind=connection)
        for table in metadata.sorted_tables:
            dump.extend(str(row) for row in connection.execute(sa.select(table)))
    text = "\n".join(dump)
    assert "Gå" in text
    assert "203.0.113.77" not in text
    assert "SecretAgent" not in text


def _respondent_pages(client, make_survey) -> list[str]:
    survey = make_survey("psfs")
    pages = [client.get(path).get_data(as_text=True) for path in PUBLIC_PAGES]
    pages.append(client.get(f"/s/{survey.public_token}").get_data(as_text=True))
    pages.append(respond(client, survey.public_token, {"activities-0-score": "11"})
                 .get_data(as_text=True))
    pages.append(client.get(f"/s/{survey.public_token}/takk").get_data(as_text=True))
    pages.append(client.get("/s/unknown-token-unknown-token").get_data(as_text=True))
    return pages


EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.I)
# A link a visitor may follow loads nothing; the only ones to another host are those the law
# asks of the accessibility statement: the authority (uutilsynet.no) and the statement on
# uustatus.no. Any other address on a page fails the check below.
LAW_LINKS = re.compile(r'<a class="ds-link" href="https://(?:www\.)?(?:uutilsynet|uustatus)\.no/')


def test_no_respondent_page_references_another_host(client, make_survey):
    for html in _respondent_pages(client, make_survey):
        html = LAW_LINKS.sub("", html)
        assert not EXTERNAL.search(html), EXTERNAL.search(html)
        assert "@import" not in html


def test_stylesheet_loads_nothing_from_another_host(client):
    css = client.get("/static/build/app.css").get_data(as_text=True)
    assert not CSS_URL.search(css)
    assert "@import" not in css


def test_security_headers_on_every_page(client, make_survey):
    survey = make_survey("psfs")
    for path in [*PUBLIC_PAGES, f"/s/{survey.public_token}", "/s/nope-nope-nope-nope-nope"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_cookies_hold_no_identity(client, make_survey):
    survey = make_survey("psfs")
    response = client.get(f"/sprak/nn?next=/s/{survey.public_token}")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=nn;")
    assert "HttpOnly" in cookie
