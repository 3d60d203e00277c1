"""The JSON API and its tokens: a token is shown once and stored as a digest, a revoked or
unknown token gets 401, each token sees only its account's scope (404 beyond, as on the
pages), the figures equal the pages' (checked against the pages' own exports and against
figures computed by hand in tests/test_comparison.py and tests/test_change_results.py), the
small-group rule at 4 and 5 responses, no free text, JSON errors, and the rate limit.

The world: network N (organisation O: units A and B, gatherings 1 and 2) and network M
(unit C). Unit A has the user survey of spring 2025 and 2026 (the datasets of
tests/test_comparison.py), one with only 4 responses, and a PSFS survey with the six users
of tests/test_change_results.py; unit C has a user survey; gathering 1 has 5 evaluations,
gathering 2 has 4.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import re
import secrets

import pytest
import sqlalchemy as sa

import database
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys import api_tokens
from surveys.account_models import Account, ApiToken
from surveys.auth import hash_password
from surveys.models import Gathering, Network, Organisation, Survey, Unit
from surveys.operations import Outcome, submit_response
from tests.conftest import PASSWORD, csrf_of, log_in, make_app, release_waiting
from tests.test_change_results import USERS, store_user
from tests.test_comparison import A_2025, A_2026

pytestmark = pytest.mark.both_backends  # figures aggregated in SQL, each driver's number types

DAY = dt.date(2026, 3, 2)
SECRET_TEXT = "Kari på nattevakt var så snill"  # free text: must never reach the API
EMAILS = {"unit_a": "enhet@a.no", "unit_c": "enhet@c.no", "network_n": "nett@n.no",
          "network_m": "nett@m.no", "admin": "admin@x.no"}


def store(db, survey: Survey, answers: dict) -> None:
    values = [AnswerValue(item, 0, float(value), None) if isinstance(value, int)
              else AnswerValue(item, 0, None, value) for item, value in answers.items()]
    outcome = submit_response(db, survey, None, secrets.token_urlsafe(18), "nb", values, DAY)
    assert outcome == Outcome.STORED


def _build(db) -> dict[str, int]:
    bruker = latest_version(db, "brukerundersokelse")
    n, m = Network(name="N"), Network(name="M")
    o = Organisation(name="Kommune O", kind="kommune", network=n)
    a, b = Unit(name="A", organisation=o), Unit(name="B", organisation=o)
    c = Unit(name="C", organisation=Organisation(name="Kommune P", kind="kommune", network=m))

    def survey(title, unit, version=bruker, opens=dt.date(2025, 3, 1), **kw):
        return title, Survey(title=title, questionnaire=version, unit=unit, opens_on=opens, **kw)

    samling = latest_version(db, "samling")
    surveys = dict([
        survey("A_2025", a, invited=10, period_label="Vår 2025", phase="baseline"),
        survey("A_2026", a, opens=dt.date(2026, 3, 1), period_label="Vår 2026",
               phase="follow_up"),
        survey("A_small", a), survey("B_2025", b), survey("C_2025", c),
        survey("A_psfs", a, version=latest_version(db, "psfs")),
        ("G1", Survey(title="G1", questionnaire=samling, invited=8,
                      gathering=Gathering(network=n, number=1))),
        ("G2", Survey(title="G2", questionnaire=samling, gathering=Gathering(network=n, number=2))),
    ])
    db.add_all([n, m, *surveys.values()])
    db.commit()
    rows = {"A_2025": [{**r, "who_answered": "alone"} for r in A_2025],
            "A_2026": A_2026, "A_small": A_2026[:4], "B_2025": A_2025, "C_2025": A_2025,
            "G1": [{"nytte_totalt": v, "balanse": 2} for v in (1, 1, 2, 2, 3)],
            "G2": [{"nytte_totalt": v} for v in (1, 2, 2, 3)]}
    rows["A_2025"][0]["comment"] = SECRET_TEXT
    rows["G1"][0]["onsker_neste"] = SECRET_TEXT
    for key, answers in rows.items():
        for row in answers:
            store(db, surveys[key], row)
    return {**{k: s.id for k, s in surveys.items()}, "A": a.id, "B": b.id, "C": c.id,
            "N": n.id, "M": m.id}


@functools.cache
def password_hash() -> str:
    """One argon2 hash for every account of every world (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


def seed(app) -> dict:
    """Build the world described above; ids by key and world["tokens"][role]."""
    with app.app_context():
        ids = _build(database.session())
    for activities, follow_up in USERS:
        store_user(app, ids["A_psfs"], activities, follow_up)
    # The hand-computed datasets count every response (6 in A_2026, 4 in A_small to test the
    # rule at 4), so what did not fill a batch is released too, as a migrated database holds it.
    for key in ("A_2025", "A_2026", "A_small", "B_2025", "C_2025", "A_psfs", "G1", "G2"):
        release_waiting(app, ids[key])
    with app.app_context():
        db = database.session()
        scopes = {"unit_a": {"units": [db.get(Unit, ids["A"])]},
                  "unit_c": {"units": [db.get(Unit, ids["C"])]},
                  "network_n": {"networks": [db.get(Network, ids["N"])]},
                  "network_m": {"networks": [db.get(Network, ids["M"])]},
                  "admin": {"is_admin": True}}
        accounts = {role: Account(email=EMAILS[role], name=role, password_hash=password_hash(),
                                  **scope) for role, scope in scopes.items()}
        db.add_all(accounts.values())
        db.commit()
        tokens = {role: api_tokens.create_token(db, account, role, DAY).secret
                  for role, account in accounts.items()}
    return {**ids, "tokens": tokens}


@pytest.fixture
def world(app, keep_world) -> dict:
    return keep_world("test_api", lambda: seed(app))


def account_by(db, email: str) -> Account:
    return db.scalars(sa.select(Account).filter_by(email=email)).one()


def api(client, token: str | None, path: str, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(f"/api/v1{path}", headers=headers)


def ok(client, token: str, path: str, **headers) -> dict:
    response = api(client, token, path, **headers)
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def export_rows(client, email: str, url: str) -> list[dict[str, str]]:
    """A page's CSV export (comma-separated) as dicts, read as `email` in English."""
    client.set_cookie("lang", "en")
    log_in(client, email)
    response = client.get(url + ("&" if "?" in url else "?") + "sep=,")
    assert response.status_code == 200, response.status_code
    client.post("/admin/logout", data={"csrf_token": csrf_of(
        client.get("/admin/password").get_data(as_text=True))})
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def number(cell: str) -> float | None:
    return float(cell) if cell != "" else None


def rounded(value: float | None, factor: float = 1) -> float | None:
    return None if value is None else round(value * factor, 4)


# --- Tokens ---------------------------------------------------------------------------------

def make_token_on_the_page(client, email: str, name: str = "Power BI") -> str:
    client.set_cookie("lang", "en")
    log_in(client, email)
    page = client.get("/admin/tokens").get_data(as_text=True)
    response = client.post("/admin/tokens", data={"csrf_token": csrf_of(page), "name": name})
    assert response.status_code == 200
    found = re.findall(r"hev_[A-Za-z0-9_-]{43}", response.get_data(as_text=True))
    assert len(set(found)) == 1
    return found[0]


def test_a_token_is_shown_once_and_only_its_digest_is_stored(app, client, world):
    secret = make_token_on_the_page(client, EMAILS["unit_a"], "Kvalitetsrapport")
    assert "Kvalitetsrapport" in client.get("/admin/tokens").get_data(as_text=True)
    assert secret not in client.get("/admin/tokens").get_data(as_text=True)
    with app.app_context():
        db = database.session()
        token = db.scalars(sa.select(ApiToken).filter_by(name="Kvalitetsrapport")).one()
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        stored = "\n".join(str(row) for table in ("api_tokens", "audit_entries")
                           for row in db.execute(sa.text(f"SELECT * FROM {table}")))
        assert secret not in stored and secret[4:] not in stored
        assert token.last_used_on is None
    assert ok(client, secret, "/surveys")["surveys"]
    with app.app_context():
        assert database.session().get(ApiToken, token.id).last_used_on is not None


def test_making_a_token_needs_a_name_and_a_csrf_token(client, world):
    client.set_cookie("lang", "en")
    log_in(client, EMAILS["unit_a"])
    csrf = csrf_of(client.get("/admin/tokens").get_data(as_text=True))
    empty = client.post("/admin/tokens", data={"csrf_token": csrf, "name": "  "})
    assert empty.status_code == 422 and "Fill this in." in empty.get_data(as_text=True)
    long = client.post("/admin/tokens", data={"csrf_token": csrf, "name": "x" * 101})
    assert long.status_code == 422 and "at most 100" in long.get_data(as_text=True)
    assert client.post("/admin/tokens", data={"name": "no csrf"}).status_code == 400
    assert "hev_" not in empty.get_data(as_text=True) + long.get_data(as_text=True)


def test_too_many_tokens_are_refused(client, world, monkeypatch):
    monkeypatch.setattr(api_tokens, "MAX_ACTIVE_TOKENS", 2)
    make_token_on_the_page(client, EMAILS["unit_a"])  # the world's token is the first
    csrf = csrf_of(client.get("/admin/tokens").get_data(as_text=True))
    third = client.post("/admin/tokens", data={"csrf_token": csrf, "name": "third"})
    assert third.status_code == 422 and "Revoke one" in third.get_data(as_text=True)


def test_a_revoked_token_gets_401(app, client, world):
    secret = make_token_on_the_page(client, EMAILS["unit_a"])
    with app.app_context():
        token_id = database.session().scalars(
            sa.select(ApiToken.id).filter_by(token_hash=api_tokens.digest(secret))).one()
    assert api(client, secret, "/surveys").status_code == 200
    csrf = csrf_of(client.get("/admin/tokens").get_data(as_text=True))
    revoked = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    response = api(client, secret, "/surveys")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert response.get_json()["error"] == "unauthorized"
    assert "Revoked" in client.get("/admin/tokens").get_data(as_text=True)


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense",
                                    "Bearer hev_" + "A" * 43, "Bearer hev_" + "ø" * 43])
def test_no_token_or_a_wrong_one_gets_401_in_json(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/api/v1/surveys/{world['A_2025']}/results", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="api"')
    assert set(response.get_json()) == {"error", "status", "message"}
    assert "Set-Cookie" not in response.headers


def test_a_deactivated_accounts_token_gets_401(app, client, world):
    with app.app_context():
        db = database.session()
        account_by(db, EMAILS["unit_a"]).is_active = False
        db.commit()
    assert api(client, world["tokens"]["unit_a"], "/surveys").status_code == 401


def test_only_the_owner_or_an_administrator_revokes_a_token(app, client, world):
    with app.app_context():
        db = database.session()
        token_id = account_tokens(db, EMAILS["unit_c"])[0]
    log_in(client, EMAILS["unit_a"])
    csrf = csrf_of(client.get("/admin/tokens").get_data(as_text=True))
    assert client.post(f"/admin/tokens/{token_id}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert api(client, world["tokens"]["unit_c"], "/surveys").status_code == 200
    log_in(client, EMAILS["admin"])
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "enhet@c.no" in page  # an administrator sees others' tokens in use
    assert client.post(f"/admin/tokens/{token_id}/revoke",
                       data={"csrf_token": csrf_of(page)}).status_code == 303
    assert api(client, world["tokens"]["unit_c"], "/surveys").status_code == 401


def account_tokens(db, email: str) -> list[int]:
    return list(db.scalars(sa.select(ApiToken.id).join(Account).where(Account.email == email)))


def test_the_api_needs_no_cookie_and_sets_none(client, world):
    response = api(client, world["tokens"]["unit_a"], "/surveys")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    log_in(client, EMAILS["unit_a"])  # a logged-in session alone does not open the API
    assert api(client, None, "/surveys").status_code == 401


# --- Scope ----------------------------------------------------------------------------------

def test_each_token_sees_its_accounts_scope(client, world):
    tokens = world["tokens"]
    unit_a = {s["id"] for s in ok(client, tokens["unit_a"], "/surveys")["surveys"]}
    assert unit_a == {world[k] for k in ("A_2025", "A_2026", "A_small", "A_psfs")}
    network_n = {s["id"] for s in ok(client, tokens["network_n"], "/surveys")["surveys"]}
    assert network_n == unit_a | {world[k] for k in ("B_2025", "G1", "G2")}
    everything = {s["id"] for s in ok(client, tokens["admin"], "/surveys")["surveys"]}
    assert everything == network_n | {world["C_2025"]}
    assert [u["name"] for u in ok(client, tokens["unit_a"], "/units")["units"]] == ["A"]
    assert ok(client, tokens["unit_a"], "/networks")["networks"] == []
    assert [n["name"] for n in ok(client, tokens["network_n"], "/networks")["networks"]] == ["N"]


@pytest.mark.parametrize(("role", "path"), [
    ("unit_c", "/surveys/{A_2025}/results"), ("unit_c", "/units/{A}"),
    ("unit_c", "/surveys/{A_psfs}/change"),
    ("unit_c", "/surveys/{A_2025}/comparison?with={A_2026}"),
    ("unit_a", "/surveys/{C_2025}/results"), ("unit_a", "/units/{B}"),
    ("unit_a", "/networks/{N}/gatherings"), ("unit_a", "/surveys/{G1}/results"),
    ("unit_a", "/surveys/{A_2025}/comparison?with={C_2025}"),
    ("network_m", "/surveys/{A_2025}/results"), ("network_m", "/networks/{N}/gatherings"),
    ("unit_a", "/surveys/999999/results"), ("unit_a", "/surveys/99999999999999999999/results"),
])
def test_outside_the_scope_is_404_and_never_data(client, world, role, path):
    response = api(client, world["tokens"][role], path.format(**world))
    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "status", "message"}


# --- Figures --------------------------------------------------------------------------------

def test_survey_figures_equal_the_results_page(client, world):
    body = ok(client, world["tokens"]["unit_a"], f"/surveys/{world['A_2025']}/results")
    rows = export_rows(client, EMAILS["unit_a"], f"/admin/surveys/{world['A_2025']}/results.csv")
    assert body["responses"] == 5 and body["response_rate"] == 0.5
    assert rows[0]["n"] == "5" and number(rows[0]["response_rate_percent"]) == 50
    found = {c["id"]: c for c in body["categories"]}
    found |= {i["id"]: i for s in body["sections"] for i in s["items"]}
    compared = 0
    for row in rows[1:]:
        entry = found.pop(row["id"])
        assert entry["suppressed"] == (row["note"] != ""), row["id"]
        if entry["suppressed"]:
            assert entry["n"] is None and entry["mean"] is None
            continue
        assert entry["n"] == int(row["n"])
        for key in ("mean", "ci_low", "ci_high", "mean_0_100"):
            assert rounded(entry.get(key)) == number(row[key]), (row["id"], key)
        assert rounded(entry.get("top_box"), 100) == number(row["top_box_percent"])
        counts = {str(s["step"]): s["count"] for s in entry.get("steps", [])}
        counts |= {c["value"]: c["count"] for c in entry.get("counts", [])}
        assert counts == {k[6:]: int(v) for k, v in row.items()
                          if k.startswith("count_") and v != ""}
        compared += 1
    assert not found  # the API has no row the export lacks
    assert compared >= 5
    # By hand (tests/test_comparison.py): «Results for the user» 3.4, 95 % CI 1.98 … 4.82.
    resultat = next(c for c in body["categories"] if c["id"] == "resultat")
    assert (resultat["n"], round(resultat["mean"], 4)) == (5, 3.4)
    assert (round(resultat["ci_low"], 2), round(resultat["ci_high"], 2)) == (1.98, 4.82)
    who = next(i for s in body["sections"] for i in s["items"] if i["id"] == "who_answered")
    assert who["n"] == 5 and who["counts"][0]["value"] == "alone"
    assert who["counts"][0]["count"] == 5 and who["counts"][0]["text"]


def test_four_responses_are_suppressed_and_five_are_shown(client, world):
    token = world["tokens"]["unit_a"]
    small = ok(client, token, f"/surveys/{world['A_small']}/results")
    assert small["suppressed"] is True and small["responses"] is None
    assert small["response_rate"] is None
    assert small["categories"] == [] and small["sections"] == []
    assert small["survey"]["responses"] is None and small["survey"]["suppressed"] is True
    listed = {s["id"]: s for s in ok(client, token, "/surveys")["surveys"]}
    assert listed[world["A_small"]]["responses"] is None
    assert listed[world["A_2025"]]["responses"] == 5
    assert ok(client, token, f"/surveys/{world['A_2025']}/results")["suppressed"] is False
    # «User involvement» in A_2025 has 4 scores (one «don't know»): held back, not shown.
    body = ok(client, token, f"/surveys/{world['A_2025']}/results")
    involvement = next(c for c in body["categories"] if c["id"] == "brukermedvirkning")
    assert involvement == {"id": "brukermedvirkning", "text": involvement["text"],
                           "suppressed": True, "n": None, "mean": None, "ci_low": None,
                           "ci_high": None, "mean_0_100": None}


@pytest.mark.parametrize("role", ["unit_a", "network_n", "admin"])
def test_no_free_text_ever(client, world, role):
    token = world["tokens"][role]
    paths = ["/surveys", "/units", "/networks", f"/surveys/{world['A_2025']}/results",
             f"/units/{world['A']}", f"/surveys/{world['A_psfs']}/change"]
    if role != "unit_a":
        paths += [f"/networks/{world['N']}/gatherings", f"/surveys/{world['G1']}/results"]
    for path in paths:
        text = json.dumps(ok(client, token, path), ensure_ascii=False)
        assert SECRET_TEXT not in text and "Komme meg hjem" not in text, path
        assert '"comment"' not in text and '"onsker_neste"' not in text


def test_the_comparison_equals_the_comparison_page(client, world):
    path = f"/surveys/{world['A_2026']}/comparison?with={world['A_2025']}"
    body = ok(client, world["tokens"]["unit_a"], path)
    # Asked from the follow-up: the survey marked baseline is still a.
    assert body["design"] == "before_after"
    assert (body["a"]["id"], body["b"]["id"]) == (world["A_2025"], world["A_2026"])
    rows = export_rows(client, EMAILS["unit_a"],
                       f"/admin/surveys/{world['A_2025']}/compare.csv?with={world['A_2026']}")
    found = {c["id"]: c for c in body["categories"]}
    assert set(found) == {row["category"] for row in rows}
    for row in rows:
        entry = found[row["category"]]
        assert entry["suppressed"] == (row["note"] != "")
        assert entry["surveys_left_out"] == int(row["surveys_left_out"])
        if entry["suppressed"]:
            assert entry["a"] is None and entry["difference"] is None
            continue
        assert entry["a"]["n"] == int(row["n_baseline"])
        assert rounded(entry["a"]["mean"]) == number(row["mean_baseline"])
        assert rounded(entry["b"]["ci_high"]) == number(row["ci_high_follow_up"])
        assert rounded(entry["difference"]["difference"]) == number(row["difference"])
        assert rounded(entry["difference"]["ci_low"]) == number(row["difference_ci_low"])
        assert rounded(entry["difference_0_100"]["ci_high"]) == number(
            row["difference_0_100_ci_high"])
    # By hand: +2.1 (95 % CI 0.57 to 3.63), better; «Respectful treatment» unclear.
    resultat = found["resultat"]
    assert round(resultat["difference"]["difference"], 4) == 2.1
    assert (round(resultat["difference"]["ci_low"], 2),
            round(resultat["difference"]["ci_high"], 2)) == (0.57, 3.63)
    assert resultat["direction"] == "better" and found["respekt"]["direction"] == "unclear"
    assert found["brukermedvirkning"]["suppressed"] is True


def test_a_comparison_without_baseline_and_follow_up_is_a_and_b(app, client, world):
    """Issue 16, finding 1: the phase decides, not the date; unmarked surveys are a and b."""
    with app.app_context():
        db = database.session()
        db.get(Survey, world["A_2025"]).phase = None
        db.commit()
    path = f"/surveys/{world['A_2026']}/comparison?with={world['A_2025']}"
    body = ok(client, world["tokens"]["unit_a"], path)
    assert body["design"] == "a_b"
    assert (body["a"]["id"], body["b"]["id"]) == (world["A_2026"], world["A_2025"])
    resultat = next(c for c in body["categories"] if c["id"] == "resultat")
    assert round(resultat["difference"]["difference"], 4) == -2.1
    assert resultat["direction"] == "different"
    assert {c["direction"] for c in body["categories"]} <= {"different", "unclear", None}


@pytest.mark.parametrize(("query", "status"), [
    ("", 400), ("?with=", 400), ("?with=abc", 400), ("?with=²", 400), ("?with=-1", 400),
    ("?with={A_2025}&x=1", 200), ("?with={A_psfs}", 422), ("?with={B_2025}", 422),
    ("?with={A_2026}", 422),
    ("?with={A_2026}x", 400), ("?with=12345678901", 400), ("?with=2147483648", 404),
])
def test_a_bad_comparison_is_a_json_4xx(client, world, query, status):
    path = f"/surveys/{world['A_2026']}/comparison" + query.format(**world)
    response = api(client, world["tokens"]["network_n"], path)
    assert response.status_code == status
    if status != 200:
        assert set(response.get_json()) == {"error", "status", "message"}


def test_the_change_over_pairs_equals_the_change_page(client, world):
    body = ok(client, world["tokens"]["network_n"], f"/surveys/{world['A_psfs']}/change")
    change = body["change"]
    # By hand (tests/test_change_results.py): 6 baselines, 5 pairs, 83 %, 3.4 → 5.3,
    # change 1.9 (95 % CI −0.18 to 3.98), 3 of 5 improved by at least 2 points.
    assert (change["baselines"], change["follow_ups"]) == (6, 5)
    assert round(change["share_paired"], 4) == round(5 / 6, 4)
    assert round(change["baseline_mean"]["mean"], 4) == 3.4
    assert round(change["follow_up_mean"]["mean"], 4) == 5.3
    assert round(change["change"]["mean"], 4) == 1.9
    assert (round(change["change"]["ci_low"], 2), round(change["change"]["ci_high"], 2)) == (
        -0.18, 3.98)
    assert (change["improved"], change["improved_share"]) == (3, 0.6)
    assert sum(bin_["users"] for bin_ in change["distribution"]) == 5
    not_psfs = api(client, world["tokens"]["network_n"], f"/surveys/{world['A_2025']}/change")
    assert not_psfs.status_code == 404


def test_the_unit_has_the_unit_pages_figures(client, world):
    token = world["tokens"]["unit_a"]
    body = ok(client, token, f"/units/{world['A']}")
    assert body["unit"]["name"] == "A" and body["unit"]["network"]["name"] == "N"
    by_id = {entry["survey"]["id"]: entry for entry in body["surveys"]}
    assert list(by_id) == sorted(by_id, reverse=True)  # newest first, as on the page
    results = ok(client, token, f"/surveys/{world['A_2025']}/results")
    assert by_id[world["A_2025"]]["results"]["categories"] == results["categories"]
    assert by_id[world["A_2025"]]["change"] is None
    assert by_id[world["A_small"]]["results"]["suppressed"] is True
    change = ok(client, token, f"/surveys/{world['A_psfs']}/change")["change"]
    assert by_id[world["A_psfs"]]["change"] == change
    assert by_id[world["A_psfs"]]["results"] is None


def test_the_gathering_table_equals_the_evaluations_page(client, world):
    body = ok(client, world["tokens"]["network_n"], f"/networks/{world['N']}/gatherings",
              **{"Accept-Language": "en"})
    rows = export_rows(client, EMAILS["network_n"],
                       f"/admin/networks/{world['N']}/evaluations.csv")
    first, second = body["gatherings"]
    assert (first["number"], first["responses"], first["invited"]) == (1, 5, 8)
    assert first["response_rate"] == 5 / 8
    assert second["suppressed"] is True and second["responses"] is None
    by_figure = {(row["Question"], row["Figure"]): row for row in rows}
    assert by_figure[("Number of responses", "")]["Gathering 1"] == "5"
    assert by_figure[("Number of responses", "")]["Gathering 2"] == "fewer than 5"
    fields = {"Mean": "mean", "n": "n", "Lower limit, 95 percent interval": "ci_low",
              "Upper limit, 95 percent interval": "ci_high"}
    for item in body["items"]:
        for figure, field in fields.items():
            cells = by_figure[(item["text"], figure)]
            for mean, label in zip(item["means"], ("Gathering 1", "Gathering 2"), strict=True):
                assert mean["asked"] is True  # every survey used «samling»
                if mean["suppressed"]:
                    assert cells[label] == "not shown" and mean[field] is None
                else:
                    value = mean[field]
                    assert (None if value is None else round(value, 2)) == number(cells[label])
    usefulness = next(i for i in body["items"] if i["id"] == "nytte_totalt")
    first, second = usefulness["means"]
    assert (first["mean"], first["n"]) == (1.8, 5) and second["mean"] is None
    assert first["ci_low"] < 1.8 < first["ci_high"] and usefulness["scale"]["good"] == "low"
    assert body["scale"] == {"min": 1, "max": 5, "good": "low"}


def test_texts_follow_accept_language(client, world):
    path = f"/surveys/{world['A_2025']}/results"
    english = api(client, world["tokens"]["unit_a"], path, **{"Accept-Language": "en"})
    bokmal = api(client, world["tokens"]["unit_a"], path)
    assert english.get_json()["categories"][0]["text"] == "Results for the user"
    assert bokmal.get_json()["categories"][0]["text"] != "Results for the user"


# --- Errors and the limit (the description: tests/test_api_document.py) -------------------------

def test_errors_under_api_are_json(client, world):
    token = world["tokens"]["unit_a"]
    missing = api(client, token, "/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    posted = client.post("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 405 and posted.get_json()["error"] == "method_not_allowed"
    assert "GET" in posted.headers["Allow"]
    assert client.get("/admin/nothing-here").mimetype == "text/html"


def test_the_limit_is_per_token_and_answers_429_in_json(app, world):
    limited = make_app(app.config["DATABASE_URL"], RATELIMIT_API="3 per minute")
    try:
        client = limited.test_client()
        for _ in range(3):
            assert api(client, world["tokens"]["unit_a"], "/surveys").status_code == 200
        response = api(client, world["tokens"]["unit_a"], "/surveys")
        assert response.status_code == 429
        assert response.get_json()["error"] == "too_many_requests"
        assert int(response.headers["Retry-After"]) >= 1
        assert api(client, world["tokens"]["unit_c"], "/surveys").status_code == 200
    finally:
        limited.extensions["db_engine"].dispose()
