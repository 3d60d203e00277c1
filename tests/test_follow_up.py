"""PSFS baseline → follow-up code → follow-up, over HTTP: the code, its one use, wrong codes,
codes of other surveys, guessing limits, and nothing stored when something is refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

import database
from surveys import follow_up_codes, guess_limits
from surveys.models import Answer, GuessFailure, Response
from tests.conftest import csrf_of, form_tokens, respond
from util.dates import today

pytestmark = pytest.mark.both_backends  # unique codes, guess counts, transactions

BASELINE = {"activities-0-activity": "Komme meg hjem", "activities-0-score": "5",
            "activities-1-activity": "Gå tur med hunden", "activities-1-score": "3"}
CODE_ON_PAGE = re.compile(r'<span aria-hidden="true">([2-9A-Z]{4})-([2-9A-Z]{4})</span>')
FOLLOW_UP_LINK = re.compile(r"http://localhost(/s/[^/\s<]+/oppfolging/[2-9A-Z]{8}\?s=[0-9a-f]{16})")
HIDDEN = re.compile(r'<input type="hidden" name="(ticket|code|s)" value="([^"]*)">')


def shown_code(client, posted) -> tuple[str, str]:
    """The code the page after a baseline shows, and that page's HTML; the code is in no
    address on the way."""
    assert posted.status_code == 303, posted.get_data(as_text=True)[:500]
    location = posted.headers["Location"]
    page = client.get(location)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    code = "".join(CODE_ON_PAGE.search(html).groups())
    assert code not in location and follow_up_codes.display(code) not in location
    return code, html


def follow_up_link(client, posted) -> str:
    """The signed follow-up address (path and query) the code page after `posted` shows."""
    return FOLLOW_UP_LINK.search(shown_code(client, posted)[1]).group(1)


def give_baseline(client, survey, answers=BASELINE) -> str:
    """Answer a baseline; return its follow-up code from the page it leads to."""
    return shown_code(client, respond(client, survey.public_token, answers))[0]


def posted_back(html: str) -> dict[str, str]:
    """What a form of the code page posts back: ticket, code and signature."""
    return dict(HIDDEN.findall(html))


def open_follow_up(client, survey, code: str):
    """The follow-up form of a code, through the door of an address with the code (as a
    slip's link, unsigned): the door's error, or the form at its address without the code."""
    door = client.get(f"/s/{survey.public_token}/oppfolging/{code}")
    if door.status_code != 303:
        return door
    assert door.headers["Location"] == form_path(survey)
    return client.get(door.headers["Location"])


def post_follow_up(client, survey, code: str, scores: dict[int, str], page=None):
    page = page or open_follow_up(client, survey, code)
    assert page.status_code == 200, page.status_code
    data = {**form_tokens(page.get_data(as_text=True)), "page": "0", "nav": "submit",
            **{f"score_{position}": value for position, value in scores.items()}}
    return client.post(form_path(survey), data=data)


def form_path(survey) -> str:
    """The follow-up form's own address, which holds no code."""
    return f"/s/{survey.public_token}/oppfolging/skjema"


def counts(app) -> tuple[int, int, int]:
    """(responses, follow-up responses, codes used)."""
    with app.app_context():
        db = database.session()
        return (db.scalar(sa.select(sa.func.count()).select_from(Response)),
                db.scalar(sa.select(sa.func.count()).select_from(Response).filter_by(
                    is_follow_up=True)),
                db.scalar(sa.select(sa.func.count()).select_from(Response).where(
                    Response.is_follow_up, Response.pair_id.is_not(None))))


def test_code_alphabet_and_format():
    code = follow_up_codes.derive("secret", 1, "key")
    assert len(code) == 8 and set(code) <= set(follow_up_codes.ALPHABET)
    assert not set("01OI") & set(follow_up_codes.ALPHABET)
    assert len(follow_up_codes.ALPHABET) ** follow_up_codes.LENGTH >= 2**40
    assert follow_up_codes.derive("secret", 1, "key", attempt=1) != code
    assert follow_up_codes.normalise(" k7qm-3xtd ") == "K7QM3XTD"
    assert follow_up_codes.normalise("K7QM 3XTD") == "K7QM3XTD"
    assert follow_up_codes.normalise("K7QM-3XT0") is None  # 0 is not in the alphabet
    assert follow_up_codes.normalise("K7QM3XT") is None
    assert follow_up_codes.display("K7QM3XTD") == "K7QM-3XTD"


def test_baseline_shows_a_code_with_qr_link_and_due_date(client, make_survey, app):
    survey = make_survey("psfs", follow_up_weeks=6)
    client.set_cookie("lang", "en")
    code, html = shown_code(client, respond(client, survey.public_token, BASELINE))
    assert f"/s/{survey.public_token}/oppfolging/{code}" in html  # the link, also in the QR
    assert 'src="data:image/svg+xml' in html
    with app.app_context():
        due = today() + dt.timedelta(weeks=6)
    assert f"on or about <strong>{due:%B} {due.day}, {due.year}</strong>" in html
    slip = client.post(f"/s/{survey.public_token}/kode/lapp", data=posted_back(html))
    assert slip.status_code == 200 and follow_up_codes.display(code) in slip.get_data(as_text=True)
    assert slip.headers["Cache-Control"] == "no-store"


# --- A shared tablet: the code is in no address and is shown once ---------------------------

SHOWN_ONCE = {"nb": "Koden er allerede vist", "nn": "Koden er allereie vist",
              "en": "The code has already been shown"}


def test_the_code_is_in_no_address_and_its_page_is_not_kept(client, make_survey):
    survey = make_survey("psfs")
    posted = respond(client, survey.public_token, BASELINE)
    assert posted.headers["Location"] == f"/s/{survey.public_token}/kode"
    page = client.get(posted.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    code = "".join(CODE_ON_PAGE.search(html).groups())
    actions = re.findall(r'(?:action|href)="([^"]*)"', html)
    assert actions and not [a for a in actions if code in a or follow_up_codes.display(code) in a]


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_back_or_reload_never_shows_the_code_again(client, make_survey, lang):
    survey = make_survey("psfs")
    client.set_cookie("lang", lang)
    code, _html = shown_code(client, respond(client, survey.public_token, BASELINE))
    again = client.get(f"/s/{survey.public_token}/kode")
    html = again.get_data(as_text=True)
    assert again.status_code == 410 and again.headers["Cache-Control"] == "no-store"
    assert SHOWN_ONCE[lang] in html
    assert code not in html and follow_up_codes.display(code) not in html
    assert f'href="/s/{survey.public_token}/oppfolging"' in html  # where to type it later


def test_old_addresses_with_the_code_show_no_code(client, make_survey):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    signature = follow_up_codes.sign("test", survey.id, code)
    for path in (f"/kode/{code}?s={signature}", f"/kode/{code}/lapp?s={signature}",
                 "/kode/lapp"):
        old = client.get(f"/s/{survey.public_token}{path}")
        assert old.status_code == 410, path
        html = old.get_data(as_text=True)
        assert code not in html
        # its language links lead back to the clean address, never to the one asked for
        links = html.count(f"next=/s/{survey.public_token}/kode\"")
        assert links == len(client.application.config["LANGUAGES"]), path


def test_the_slip_is_shown_once_and_a_post_sent_again_shows_nothing(client, make_survey):
    survey = make_survey("psfs")
    code, html = shown_code(client, respond(client, survey.public_token, BASELINE))
    sent = posted_back(html)
    assert set(sent) == {"ticket", "code", "s"}
    slip_url = f"/s/{survey.public_token}/kode/lapp"
    assert code in client.post(slip_url, data=sent).get_data(as_text=True)
    again = client.post(slip_url, data=sent)  # Back, then "send the form again"
    assert again.status_code == 410 and code not in again.get_data(as_text=True)
    forged = client.post(slip_url, data={**sent, "code": "ABCDEFGH"})
    assert forged.status_code == 410


def test_the_code_page_in_another_language_uses_the_ticket_once(client, make_survey):
    survey = make_survey("psfs")
    client.set_cookie("lang", "nb")
    code, html = shown_code(client, respond(client, survey.public_token, BASELINE))
    url = f"/s/{survey.public_token}/kode"
    switched = client.post(url, data={**posted_back(html), "switch_lang": "en"})
    english = switched.get_data(as_text=True)
    assert switched.status_code == 200 and "Keep this code for the follow-up" in english
    assert follow_up_codes.display(code) in english
    replayed = client.post(url, data={**posted_back(html), "switch_lang": "nn"})
    assert replayed.status_code == 410 and code not in replayed.get_data(as_text=True)
    slip = client.post(f"{url}/lapp", data=posted_back(english))  # the new page's ticket
    assert code in slip.get_data(as_text=True)


def test_the_session_keeps_no_code_once_it_is_shown(client, make_survey):
    survey = make_survey("psfs")
    code, _html = shown_code(client, respond(client, survey.public_token, BASELINE))
    with client.session_transaction() as session:
        assert code not in repr(dict(session))


def test_the_same_baseline_sent_twice_keeps_one_code(client, make_survey, app):
    survey = make_survey("psfs")
    start = client.get(f"/s/{survey.public_token}")
    data = {**form_tokens(start.get_data(as_text=True)), "page": "0", "nav": "submit",
            **BASELINE}
    first = shown_code(client, client.post(f"/s/{survey.public_token}", data=data))[0]
    again = shown_code(client, client.post(f"/s/{survey.public_token}", data=data))[0]
    assert first == again  # a double tap or a lost page still gets its code
    assert counts(app)[0] == 1


def test_follow_up_shows_own_activities_and_stores_paired_scores(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    page = open_follow_up(client, survey, code)
    html = page.get_data(as_text=True)
    assert "Komme meg hjem" in html and "Gå tur med hunden" in html
    assert "Last time you gave" not in html  # the baseline score is hidden by default
    done = post_follow_up(client, survey, code, {0: "8", 1: "6"}, page)
    assert done.status_code == 303 and done.headers["Location"].endswith("/takk")
    assert counts(app) == (2, 1, 1)
    with app.app_context():
        db = database.session()
        follow_id = db.scalars(sa.select(Response.id).filter_by(is_follow_up=True)).one()
        follow = db.scalars(sa.select(Answer).filter_by(response_id=follow_id)
                            .order_by(Answer.position)).all()
        assert [(a.item, a.position, a.value_num) for a in follow] == [
            ("activities.score", 0, 8.0), ("activities.score", 1, 6.0)]
        # the follow-up keeps no activity text of its own: its baseline holds it
        assert all(a.value_text is None for a in follow)


def test_follow_up_can_show_the_baseline_score(client, make_survey):
    survey = make_survey("psfs", show_baseline_score=True)
    code = give_baseline(client, survey)
    client.set_cookie("lang", "en")
    html = open_follow_up(client, survey, code).get_data(as_text=True)
    assert "Last time you gave 5." in html and "Last time you gave 3." in html


def test_every_activity_must_be_scored_again(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    response = post_follow_up(client, survey, code, {0: "8"})
    assert response.status_code == 422
    assert counts(app) == (1, 0, 0)


def test_a_used_code_is_refused_and_nothing_stored(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    first_page = open_follow_up(client, survey, code)
    second_page = open_follow_up(client, survey, code)  # a second device, same code
    assert post_follow_up(client, survey, code, {0: "8", 1: "6"}, first_page).status_code == 303
    again = post_follow_up(client, survey, code, {0: "2", 1: "2"}, second_page)
    assert again.status_code == 410
    assert open_follow_up(client, survey, code).status_code == 410
    assert counts(app) == (2, 1, 1)


def test_the_same_follow_up_sent_twice_is_stored_once(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    page = open_follow_up(client, survey, code)
    data = {**form_tokens(page.get_data(as_text=True)), "page": "0", "nav": "submit",
            "score_0": "8", "score_1": "6"}
    url = form_path(survey)
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303
    assert counts(app) == (2, 1, 1)


def test_wrong_code_and_code_of_another_survey(client, make_survey, app):
    survey, other = make_survey("psfs"), make_survey("psfs")
    code = give_baseline(client, other)
    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    assert open_follow_up(client, survey, wrong).status_code == 404
    foreign = open_follow_up(client, survey, code)
    assert foreign.status_code == 404
    client.set_cookie("lang", "en")
    assert "We found no follow-up with this code" in open_follow_up(
        client, survey, wrong).get_data(as_text=True)
    assert counts(app) == (1, 0, 0)


def enter_code(client, survey, typed: str):
    page = client.get(f"/s/{survey.public_token}/oppfolging")
    return client.post(f"/s/{survey.public_token}/oppfolging",
                       data={"csrf_token": csrf_of(page.get_data(as_text=True)), "code": typed})


def test_typing_the_code_opens_the_follow_up(client, make_survey):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    typed = enter_code(client, survey, f"{code[:4].lower()} - {code[4:].lower()}")
    assert typed.status_code == 303 and typed.headers["Location"] == form_path(survey)
    assert typed.headers["Cache-Control"] == "no-store"
    assert "Komme meg hjem" in client.get(form_path(survey)).get_data(as_text=True)


def test_a_typed_wrong_code_is_shown_on_the_form(client, make_survey):
    survey = make_survey("psfs")
    client.set_cookie("lang", "en")
    response = enter_code(client, survey, "ZZZZ-ZZZZ")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We found no follow-up with this code" in html and 'aria-invalid="true"' in html
    short = enter_code(client, survey, "abc")
    assert short.status_code == 404


def test_a_burst_of_guesses_is_stopped_per_client(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    for number in range(guess_limits.CLIENT_LIMIT):
        guess = follow_up_codes.derive("guess", survey.id, str(number))
        assert open_follow_up(client, survey, guess).status_code == 404
    # Even the right code now waits: a guesser cannot tell a hit from a miss.
    limited = open_follow_up(client, survey, code)
    assert limited.status_code == 429
    assert enter_code(client, survey, code).status_code == 429
    # The address the app handed out for the code is signed, and still opens.
    with app.test_request_context():
        app.preprocess_request()
        signed = follow_up_codes.code_url("respond.follow_up", survey, code)
    assert client.get(signed).status_code == 303  # on to the form
    forged = signed[:-4] + ("0000" if not signed.endswith("0000") else "1111")
    assert client.get(forged).status_code == 429
    # Another client is not stopped by this one's guesses.
    other = app.test_client()
    assert other.get(f"/s/{survey.public_token}/oppfolging/{code}",
                     environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 303
    with app.app_context():
        scopes = database.session().scalars(sa.select(GuessFailure.scope)).all()
    assert all("127.0.0.1" not in scope and "10.0.0" not in scope for scope in scopes)
    assert counts(app) == (1, 0, 0)


def test_guesses_at_one_survey_from_many_clients_are_stopped(client, make_survey, app):
    survey = make_survey("psfs")
    with app.app_context():
        db = database.session()
        limits = {f"survey:{survey.id}": guess_limits.SURVEY_LIMIT}
        db.add_all(GuessFailure(scope=f"survey:{survey.id}", failed_at=guess_limits.utcnow())
                   for _ in range(guess_limits.SURVEY_LIMIT))
        db.commit()
        assert guess_limits.too_many(db, limits)
        later = guess_limits.utcnow() + guess_limits.WINDOW + dt.timedelta(seconds=1)
        assert not guess_limits.too_many(db, limits, now=later)
    assert open_follow_up(client, survey, "ABCDEFGH").status_code == 429


def test_follow_up_of_a_survey_closed_by_hand_is_refused(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    with app.app_context():
        db = database.session()
        db.execute(sa.text("UPDATE surveys SET is_closed = :t WHERE id = :id"),
                   {"t": True, "id": survey.id})
        db.commit()
    assert open_follow_up(client, survey, code).status_code == 410


def test_follow_ups_outlive_the_closing_date_by_twice_the_interval(make_survey):
    survey = make_survey("psfs", opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 3, 1),
                         follow_up_weeks=4)
    assert survey.follow_ups_close_on() == dt.date(2026, 4, 26)
    assert survey.accepts_follow_ups(dt.date(2026, 4, 26))
    assert not survey.accepts_follow_ups(dt.date(2026, 4, 27))
    assert not survey.accepts_answers(dt.date(2026, 3, 2))


def test_other_questionnaires_have_no_follow_up(client, make_survey):
    survey = make_survey("brukerundersokelse")
    assert client.get(f"/s/{survey.public_token}/oppfolging").status_code == 404
    assert client.get(f"/s/{survey.public_token}/oppfolging/ABCDEFGH").status_code == 404


def test_the_survey_page_points_to_the_follow_up(client, make_survey):
    survey = make_survey("psfs")
    client.set_cookie("lang", "en")
    html = client.get(f"/s/{survey.public_token}").get_data(as_text=True)
    assert f'href="/s/{survey.public_token}/oppfolging"' in html


def test_neither_the_code_nor_the_guesser_is_stored_in_clear(client, make_survey, app):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    open_follow_up(client, survey, "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA")
    assert {"pair_id", "due_on"} <= {c.name for c in Response.__table__.columns}
    with app.extensions["db_engine"].connect() as connection:
        metadata = sa.MetaData()
        metadata.reflect(bind=connection)
        dump = "\n".join(str(row) for table in metadata.sorted_tables
                         for row in connection.execute(sa.select(table)))
    assert "Komme meg hjem" in dump and "client:" in dump
    assert code not in dump and follow_up_codes.display(code) not in dump
    assert "127.0.0.1" not in dump


# --- A shared tablet: the follow-up's own address holds no code -----------------------------

FORM_CLOSED = {"nb": "Oppfølgingen er ikke åpen her lenger",
               "nn": "Oppfølginga er ikkje open her lenger",
               "en": "This follow-up is no longer open here"}


def test_the_link_on_the_slip_is_a_door_to_an_address_without_the_code(client, make_survey):
    survey = make_survey("psfs")
    link = follow_up_link(client, respond(client, survey.public_token, BASELINE))
    code = link.split("/oppfolging/")[1].split("?")[0]
    door = client.get(link)  # the QR code's and the slip's link, as printed
    assert door.status_code == 303 and door.headers["Cache-Control"] == "no-store"
    assert door.headers["Location"] == form_path(survey)
    page = client.get(door.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Komme meg hjem" in html and "Gå tur med hunden" in html
    assert code not in html and follow_up_codes.display(code) not in html
    actions = re.findall(r'(?:action|href)="([^"]*)"', html)
    assert form_path(survey) in actions
    with client.session_transaction() as session:  # held, but not readable from the cookie
        assert code not in repr(dict(session))


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_once_the_follow_up_is_sent_its_address_says_what_to_do(app, client, make_survey, lang):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    client.set_cookie("lang", lang)
    assert post_follow_up(client, survey, code, {0: "8", 1: "6"}).status_code == 303
    fresh = app.test_client()  # another browser, or this one once its session has ended
    fresh.set_cookie("lang", lang)
    for after in (client.get(form_path(survey)), fresh.get(form_path(survey)),
                  fresh.post(form_path(survey), data={"score_0": "1", "score_1": "1"})):
        html = after.get_data(as_text=True)
        assert after.status_code == 410 and after.headers["Cache-Control"] == "no-store"
        assert FORM_CLOSED[lang] in html
        assert "Komme meg hjem" not in html and code not in html
        assert f'href="/s/{survey.public_token}/oppfolging"' in html  # where to type a code
    assert counts(app) == (2, 1, 1)


def test_an_open_follow_up_closes_after_an_hour_unused(client, make_survey, monkeypatch):
    from surveys import code_handover

    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    page = open_follow_up(client, survey, code)
    assert page.status_code == 200
    later = code_handover.now() + code_handover.OPEN_FOR + 1
    monkeypatch.setattr(code_handover, "now", lambda: later)
    closed = client.get(form_path(survey))
    assert closed.status_code == 410 and "Komme meg hjem" not in closed.get_data(as_text=True)
    assert open_follow_up(client, survey, code).status_code == 200  # the slip's link again


def test_the_form_in_another_language_stays_at_its_address(client, make_survey):
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    page = open_follow_up(client, survey, code)
    data = {**form_tokens(page.get_data(as_text=True)), "page": "0", "switch_lang": "en"}
    english = client.post(form_path(survey), data=data)
    html = english.get_data(as_text=True)
    assert english.status_code == 200 and english.headers["Cache-Control"] == "no-store"
    assert "Give each a new score from 0 to 10" in html and "Komme meg hjem" in html
    assert code not in html


def test_the_form_in_another_language_keeps_its_errors(client, make_survey):
    """Issue 18: switching language on the follow-up form with errors lost them."""
    survey = make_survey("psfs")
    code = give_baseline(client, survey)
    errors = post_follow_up(client, survey, code, {0: "8"})  # the second activity unscored
    html = errors.get_data(as_text=True)
    assert errors.status_code == 422 and "Svar på dette spørsmålet." in html
    data = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)),
            **form_tokens(html), "page": "0", "score_0": "8", "switch_lang": "en"}
    english = client.post(form_path(survey), data=data)
    html = english.get_data(as_text=True)
    assert english.status_code == 422
    assert "Answer this question." in html and "ds-error-summary" in html
    assert re.search(r'id="f-score_0-8" name="score_0" value="8"\s+checked', html)


# --- The earliest day --------------------------------------------------------------------

def move_baseline(app, survey, days: int) -> None:
    """Make the survey's baselines `days` days older, as if answered that long ago."""
    with app.app_context():
        db = database.session()
        for response in db.scalars(sa.select(Response).filter_by(survey_id=survey.id)):
            response.submitted_on -= dt.timedelta(days=days)
        db.commit()


@pytest.mark.parametrize(("lang", "words"), [
    ("nb", "Det er for tidlig å svare på oppfølgingen. Den kan besvares fra {date}. Ta vare "
           "på koden til da."),
    ("nn", "Det er for tidleg å svare på oppfølginga. Ho kan svarast på frå {date}. Ta vare "
           "på koden til då."),
    ("en", "It is too early for the follow-up. It can be answered from {date}. Keep the code "
           "until then."),
])
def test_a_follow_up_before_the_earliest_day_is_refused_with_the_date(
        client, make_survey, app, lang, words):
    from babel.dates import format_date

    survey = make_survey("psfs", follow_up_earliest_days=14)
    code = give_baseline(client, survey)
    client.set_cookie("lang", lang)
    with app.app_context():
        opens_on = today() + dt.timedelta(days=14)
    expected = words.format(date=format_date(opens_on, "long", locale=lang))
    typed = enter_code(client, survey, code)
    assert typed.status_code == 409 and expected in typed.get_data(as_text=True)
    opened = open_follow_up(client, survey, code)
    assert opened.status_code == 409 and expected in opened.get_data(as_text=True)
    # The door refused the code, so the form's own address holds none: a post of the form
    # (which was never shown) is refused before anything is read from it.
    sent = client.post(form_path(survey),
                       data={"page": "0", "nav": "submit", "score_0": "8", "score_1": "6"})
    assert sent.status_code == 410
    assert counts(app) == (1, 0, 0)
    with app.app_context():  # a right code too early is no guess
        assert database.session().scalar(
            sa.select(sa.func.count()).select_from(GuessFailure)) == 0


def test_from_the_earliest_day_the_follow_up_is_taken(client, make_survey, app):
    survey = make_survey("psfs", follow_up_earliest_days=14)
    code = give_baseline(client, survey)
    move_baseline(app, survey, 13)
    assert open_follow_up(client, survey, code).status_code == 409
    move_baseline(app, survey, 1)
    assert post_follow_up(client, survey, code, {0: "8", 1: "6"}).status_code == 303
    assert counts(app) == (2, 1, 1)
