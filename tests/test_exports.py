"""Exports as CSV and XLSX: formula injection neutralised in both, the byte-order mark and
both delimiters, numbers as numbers, the raw export streamed in batches, every table export
equal to its page's figures and through the same small-group rule (4 responses held back, 5
shown), out-of-scope readers refused, and bad separators, tables or formats answered 400/404.

Hand-computed figures (the same datasets as tests/test_results.py, test_comparison.py and
test_network_overview.py, whose docstrings work them out):

* «samling», six responses: nytte_totalt n 5, mean 1.8, 95 % CI 0.7611 … 2.8389 (cut at the
  scale's end: 1 … 2.8389), 0–100 80.0,
  top box 80 %, one "don't know", counts 2, 2, 1, 0, 0; category «The gathering» n 6,
  mean 2.4167, 0–100 64.5833; deltakere_fra_kommunen n 5, mean 4.
* brukerundersokelse, unit A, 2025 against 2026: «Results for the user» 3.4 → 5.5, difference
  +2.1 (0.5748 … 3.6252), 40.0 → 75.0 on 0–100, better; «Respectful treatment» +0.2, no clear
  change; «User involvement» has 4 baseline scores, so it is held back. Units A and B
  pooled: «Results for the user» 3.7 → 5.5, B's 2026 survey (3 responses) left out.
* Network overview: unit «Hjemme» with five responses, «Results for the user» 7, 6, 5, 4, 3
  → 5.0; «Respectful treatment» 7.0; «User involvement» answered by 4 → held back; unit «KAD»
  with 4 responses → held back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

import database
from analytics import exports
from analytics.exports import Table
from analytics.stats import mean_ci
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys.account_models import AuditEntry
from surveys.models import Gathering, Network, Organisation, Response, Survey, Unit
from surveys.operations import FollowUpPlan, Outcome, submit_follow_up, submit_response
from surveys.queries import response_table
from tests.conftest import csrf_of, leads, log_in, release_waiting
from tests.export_files import csv_text, xlsx_bytes
from tests.test_comparison import A_2025, A_2026, B_2025, B_2026
from tests.test_results import SAMLING as RESULTS_SAMLING

pytestmark = pytest.mark.both_backends  # rows streamed and typed by each driver

INJECTIONS = ['=HYPERLINK("http://x","klikk")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
XLSX = exports.XLSX_MIMETYPE


# --- Helpers ------------------------------------------------------------------------------

def store(app, survey_id: int, answers: dict, day: dt.date = dt.date(2026, 3, 2)) -> None:
    """One response: an int is a number, a list several choices, a str a word or text."""
    values = []
    for item, value in answers.items():
        for one in value if isinstance(value, list) else [value]:
            values.append(AnswerValue(item, 0, float(one), None) if isinstance(one, int)
                          else AnswerValue(item, 0, None, one))
    with app.app_context():
        db = database.session()
        outcome = submit_response(db, db.get(Survey, survey_id), None,
                                  secrets.token_urlsafe(18), "nb", values, day)
        assert outcome == Outcome.STORED


def get(client, email: str, url: str, **kwargs):
    client.set_cookie("lang", "en")
    log_in(client, email)
    return client.get(url, **kwargs)


def ok(client, email: str, url: str):
    response = get(client, email, url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def csv_of(response, delimiter: str = ";") -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                           delimiter=delimiter))


def unescaped(value):
    """A cell's value with the OOXML escapes of control characters (`_x000D_` for a carriage
    return, which Excel reads back as one) undone; openpyxl leaves them in inline strings."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-F]{4})_", lambda match: chr(int(match.group(1), 16)), value)


def sheets_of(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [[shown(cell) for cell in row] for row in sheet.iter_rows()]
            for sheet in book.worksheets}


def shown(cell) -> Any:
    """A cell's value as Excel shows it: a number with a format of fixed decimals («0.00»)
    as a Decimal with those decimals, as the CSV writes it (1.80; a whole 1.00 is read back
    as the int 1)."""
    places = re.fullmatch(r"0\.(0+)", cell.number_format or "")
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and places:
        return Decimal(repr(cell.value)).quantize(Decimal(1).scaleb(-len(places.group(1))))
    return unescaped(cell.value)


def xlsx_of(response) -> dict[str, list[list]]:
    assert response.headers["Content-Type"] == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    return sheets_of(response.get_data())


def as_csv_cells(row: list) -> list[str]:
    """An XLSX row written the way the CSV writes it (with ','), to compare the two."""
    return [exports.cell(value, ",") for value in row]


def by_id(rows: list[list], column: str = "id") -> dict[str, dict]:
    header = rows[0]
    return {row[header.index(column)]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def log_out(client) -> None:
    token = csrf_of(client.get("/admin/surveys").get_data(as_text=True))
    client.post("/admin/logout", data={"csrf_token": token})


def page_html(client, email: str, url: str) -> str:
    return ok(client, email, url).get_data(as_text=True)


# --- The writers --------------------------------------------------------------------------

def test_csv_neutralises_formulas_and_keeps_numbers_in_both_delimiters():
    rows = [[text, 1.5, -2, 3.0, None, True] for text in INJECTIONS]
    semicolons = csv_text(["=header", "b", "c", "d", "e", "f"], rows, ";")
    assert semicolons.startswith("\ufeff'=header;b;")
    parsed = list(csv.reader(io.StringIO(semicolons.lstrip("\ufeff"), newline=""),
                             delimiter=";"))
    assert [row[0] for row in parsed[1:]] == ["'" + text for text in INJECTIONS]
    assert parsed[1][1:] == ["1,5", "-2", "3", "", "True"]
    commas = csv_text(["a"], [[1.5, -0.25]], ",")
    assert commas == "\ufeffa\r\n1.5,-0.25\r\n"
    assert exports.cell("ordinary") == "ordinary" and exports.cell("a=b") == "a=b"
    with pytest.raises(ValueError):
        csv_text(["a"], [], "|")
    with pytest.raises(ValueError):
        exports.delimiter_from("\t")


def test_csv_comes_in_chunks_bom_and_header_first():
    chunks = list(exports.csv_chunks(["n"], ([k] for k in range(1200)), ",",
                                     rows_per_chunk=500))
    assert chunks[0] == b"\xef\xbb\xbfn\r\n"
    assert len(chunks) == 4  # header, 500, 500, 200
    assert b"".join(chunks).decode("utf-8").count("\r\n") == 1201


def test_xlsx_writes_text_as_neutralised_strings_and_numbers_as_numbers():
    rows = [[text, 1.5, -2, None, True] for text in INJECTIONS]
    data = xlsx_bytes([Table("one", ["=head", "b", "c", "d", "e"], rows),
                               Table("two: [x]/y", ["a"], iter([["+more"]]))])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["one", "two_ _x__y"]
    sheet = book["one"]
    assert sheet["A1"].value == "'=head" and sheet["A1"].data_type == "s"
    for number, text in enumerate(INJECTIONS, start=2):
        found = sheet.cell(number, 1)
        assert found.data_type == "s" and unescaped(found.value) == "'" + text
        assert sheet.cell(number, 2).value == 1.5 and sheet.cell(number, 2).data_type == "n"
        assert sheet.cell(number, 3).value == -2 and sheet.cell(number, 3).data_type == "n"
        assert sheet.cell(number, 4).value is None
        assert sheet.cell(number, 5).value == "True"
    assert book["two_ _x__y"]["A2"].value == "'+more"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_sheet_names_are_valid_and_unique():
    assert exports.sheet_name("x" * 40) == "x" * 31
    assert exports.sheet_name("heat", ["Heat"]) == "heat (2)"
    assert exports.sheet_name("") == "Sheet"


def test_table_response_checks_format_and_tables(app):
    with app.test_request_context():
        with pytest.raises(ValueError):
            exports.table_response("pdf", "x", [Table("a", ["a"], [])])
        with pytest.raises(ValueError):
            exports.table_response("csv", "x", [Table("a", ["a"], []), Table("b", ["b"], [])])
        response = exports.table_response("csv", "x y", [Table("a", ["a"], [[1]])], ",")
        assert response.is_streamed
        assert response.headers["Content-Disposition"] == 'attachment; filename="x_y.csv"'


# --- The raw export -----------------------------------------------------------------------

@pytest.fixture
def relatives(app, make_survey, make_account, keep_world):
    return keep_world("test_exports.relatives",
                      lambda: build_relatives(app, make_survey, make_account))


def build_relatives(app, make_survey, make_account):
    """A «parorende» survey: six responses on six days, each with a formula-like comment;
    returns (survey id, unit lead, network lead)."""
    survey = make_survey("parorende")
    answers = [
        {"info_nok": 4, "info_channels": ["conversation", "phone"]},
        {"info_nok": 2},
        {"info_endring": 5},
        {},
        {"relation": "partner"},
        {"info_nok": 1},
    ]
    for day, (extra, comment) in enumerate(zip(answers, INJECTIONS, strict=True), start=1):
        store(app, survey.id, {**extra, "comment": comment}, dt.date(2026, 2, day))
        # each row released alone on its day, so that each row's cells can be told apart
        release_waiting(app, survey.id, dt.date(2026, 2, day))
    unit_lead, network_lead = leads(app, make_account, survey.id)
    return survey.id, unit_lead, network_lead


def expected_raw(header: list[str], with_comment: bool) -> list[list]:
    values = [
        {"info_nok": 4, "info_channels": "conversation | phone"},
        {"info_nok": 2}, {"info_endring": 5}, {}, {"relation": "partner"}, {"info_nok": 1},
    ]
    rows = []
    for number, (found, comment) in enumerate(zip(values, INJECTIONS, strict=True), start=1):
        cells = {"response": number, "date": f"2026-02-0{number}", "language": "nb",
                 "source": "web", **found}
        if with_comment:
            cells["comment"] = "'" + comment
        rows.append([cells.get(column) for column in header])
    return rows


def test_raw_export_csv_is_streamed_and_neutralised(app, client, relatives):
    survey_id, unit_lead, _ = relatives
    response = get(client, unit_lead, f"/admin/surveys/{survey_id}/export.csv",
                   buffered=False)
    assert response.status_code == 200 and response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 1 and chunks[0].startswith(b"\xef\xbb\xbfresponse;date;")
    text = b"".join(chunks).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["response", "date", "language", "source"] and "comment" in header
    assert rows[1:] == [as_csv_cells(row) for row in expected_raw(header, True)]
    commas = csv_of(client.get(f"/admin/surveys/{survey_id}/export.csv?sep=,"), ",")
    assert commas == rows


def test_raw_export_xlsx_has_the_same_rows_with_typed_cells(app, client, relatives):
    survey_id, unit_lead, network_lead = relatives
    sheets = xlsx_of(ok(client, unit_lead, f"/admin/surveys/{survey_id}/export.xlsx"))
    rows = sheets["responses"]
    assert rows[1:] == [[None if v is None else v for v in row]
                        for row in expected_raw(rows[0], True)]
    comment = rows[0].index("comment")
    assert [row[comment] for row in rows[1:]] == ["'" + text for text in INJECTIONS]
    assert isinstance(rows[1][rows[0].index("info_nok")], int)
    with app.app_context():
        actions = database.session().scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("responses.export") == 1
    log_out(client)
    other = xlsx_of(ok(client, network_lead, f"/admin/surveys/{survey_id}/export.xlsx"))
    assert "comment" not in other["responses"][0]
    assert not any("HYPERLINK" in str(v) for row in other["responses"] for v in row)


def test_raw_rows_come_in_batches_in_date_and_id_order(app, make_survey):
    survey = make_survey("parorende")
    for day, value in ((3, 1), (1, 2), (3, 3), (1, 4), (2, 5), (3, 6), (1, 7)):
        store(app, survey.id, {"info_nok": value % 5 + 1}, dt.date(2026, 1, day))
    release_waiting(app, survey.id)  # the order of all seven, past the batch of five too
    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey.id)
        order = db.execute(sa.select(Response.released_on, Response.id).where(
            Response.survey_id == survey.id)).all()
        header, lazy = response_table(db, survey, True, hidden=frozenset(), batch_size=2)
        assert not isinstance(lazy, list)  # an iterator: nothing read yet
        small = list(lazy)
        _header, whole = response_table(db, survey, True, hidden=frozenset(), batch_size=1000)
        assert small == list(whole)
    assert [row[0] for row in small] == list(range(1, 8))
    assert [row[1] for row in small] == [day.isoformat() for day, _id in sorted(order)]


def test_raw_export_bad_separator_and_other_readers(app, client, relatives, make_survey,
                                                    make_account):
    survey_id, unit_lead, _ = relatives
    assert get(client, unit_lead,
               f"/admin/surveys/{survey_id}/export.csv?sep=|").status_code == 400
    assert client.get(f"/admin/surveys/{survey_id}/export.pdf").status_code == 404
    other = make_survey("parorende")
    make_account("annen@b.no", units=(other.unit_id,))
    log_out(client)
    assert get(client, "annen@b.no",
               f"/admin/surveys/{survey_id}/export.xlsx").status_code == 404


# --- The results page ---------------------------------------------------------------------

# The answers of tests/test_results.py, with a formula in the free text to be neutralised.
SAMLING = [{**RESULTS_SAMLING[0], "onsker_neste": "=Mer gruppearbeid"}, *RESULTS_SAMLING[1:]]


def samling_survey(app, make_survey, make_account, responses: int):
    survey = make_survey("samling", invited=8, title="@Samling")
    for answers in SAMLING[:responses]:
        store(app, survey.id, answers)
    # Computed by hand over all of them (and 4 must be held back), so those that did not
    # fill a batch are released too, as a migrated database holds them.
    release_waiting(app, survey.id)
    unit_lead, _ = leads(app, make_account, survey.id)
    return survey.id, unit_lead


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


def test_results_export_equals_the_page(app, client, make_survey, make_account):
    survey_id, unit_lead = samling_survey(app, make_survey, make_account, 6)
    html = page_html(client, unit_lead, f"/admin/surveys/{survey_id}/results")
    rows = csv_of(client.get(f"/admin/surveys/{survey_id}/results.csv?sep=,"), ",")
    found = by_id(rows)
    assert rows[0][:12] == ["kind", "id", "text", "note", "n", "mean", "ci_low", "ci_high",
                            "mean_0_100", "top_box_percent", "response_rate_percent",
                            "dont_know"]
    survey = found[str(survey_id)]
    assert (survey["kind"], survey["text"], survey["n"]) == ("survey", "'@Samling", "6")
    assert survey["response_rate_percent"] == "75"
    item = found["nytte_totalt"]
    ci = mean_ci([1, 1, 2, 2, 3])
    assert (item["kind"], item["n"], item["mean"], item["ci_low"], item["ci_high"]) == (
        "scale", "5", "1.8", "1", str(round(ci.high, 4)))  # 0.7611 cut at the scale's end
    assert (item["ci_low"], item["ci_high"]) == ("1", "2.8389")
    assert (item["mean_0_100"], item["top_box_percent"], item["dont_know"]) == ("80", "80", "1")
    assert [item[f"count_{step}"] for step in range(1, 6)] == ["2", "2", "1", "0", "0"]
    block = html[html.index('id="item-nytte_totalt"'):html.index('id="item-info_forkant"')]
    assert (f'<dt>Mean</dt><dd>{one_decimal(1.8)} <span class="ci">(95% CI '
            f'{one_decimal(float(item["ci_low"]))} to {one_decimal(float(item["ci_high"]))})'
            "</span></dd>") in block
    category = found["samlingen"]
    assert (category["kind"], category["n"], category["mean"], category["mean_0_100"]) == (
        "category", "6", "2.4167", "64.5833")
    assert (f'<td class="num">{category["n"]}</td><td class="num">'
            f'{one_decimal(float(category["mean"]))} <span class="ci">(95% CI '
            f'{one_decimal(float(category["ci_low"]))} to '
            f'{one_decimal(float(category["ci_high"]))})</span></td><td class="num">'
            f'{one_decimal(float(category["mean_0_100"]))}</td>') in html
    held_back = found["mellom_samlingene"]
    assert held_back["note"] == "fewer than 5" and held_back["n"] == held_back["mean"] == ""
    assert (found["deltakere_fra_kommunen"]["n"], found["deltakere_fra_kommunen"]["mean"]) == (
        "5", "4")
    assert "onsker_neste" not in found and "gruppearbeid" not in "".join(map(str, rows))
    semicolons = client.get(f"/admin/surveys/{survey_id}/results.csv").get_data(as_text=True)
    assert ";1,8;1;2,8389;80;80;;1;2;2;1;0;0" in semicolons


def test_results_xlsx_equals_the_csv(app, client, make_survey, make_account):
    survey_id, unit_lead = samling_survey(app, make_survey, make_account, 6)
    rows = csv_of(ok(client, unit_lead, f"/admin/surveys/{survey_id}/results.csv?sep=,"), ",")
    sheets = xlsx_of(client.get(f"/admin/surveys/{survey_id}/results.xlsx"))
    assert list(sheets) == ["results"]
    assert [as_csv_cells(row) for row in sheets["results"]] == rows


@pytest.mark.parametrize("responses", [4, 5])
def test_results_export_is_held_back_at_four_and_shown_at_five(
        app, client, make_survey, make_account, responses):
    survey_id, unit_lead = samling_survey(app, make_survey, make_account, responses)
    html = page_html(client, unit_lead, f"/admin/surveys/{survey_id}/results")
    for url in (f"/admin/surveys/{survey_id}/results.csv?sep=,",
                f"/admin/surveys/{survey_id}/results.xlsx"):
        response = client.get(url)
        rows = (csv_of(response, ",") if url.endswith("sep=,")
                else [as_csv_cells(row) for row in xlsx_of(response)["results"]])
        found = by_id(rows)
        if responses == 4:
            assert "fewer than 5" in html and 'id="item-nytte_totalt"' not in html
            assert len(rows) == 2 and found[str(survey_id)]["note"] == "fewer than 5"
            assert found[str(survey_id)]["n"] == ""
            assert all(value in ("", "survey", str(survey_id), "'@Samling", "fewer than 5")
                       for value in rows[1])
        else:
            assert found[str(survey_id)]["n"] == "5"
            assert found["nytte_totalt"]["n"] == "5" and found["nytte_totalt"]["mean"] == "1.8"
            assert "<dt>Answers</dt><dd>5</dd>" in html


# --- The comparison pages -----------------------------------------------------------------

# The answers of tests/test_comparison.py, whose figures are computed by hand there.


@pytest.fixture
def world(app, make_account, keep_world):
    return keep_world("test_exports.world", lambda: build_world(app, make_account))


def build_world(app, make_account):
    """Network N, organisation O with units A and B (surveys of 2025 and 2026), and network M
    with unit C; accounts: A's lead, N's lead, M's lead."""
    with app.app_context():
        db = database.session()
        bruker = latest_version(db, "brukerundersokelse")
        n, m = Network(name="N"), Network(name="M")
        o = Organisation(name="Kommune O", kind="kommune", network=n)
        a, b = Unit(name="A", organisation=o), Unit(name="B", organisation=o)
        c = Unit(name="C", organisation=Organisation(name="P", kind="kommune", network=m))

        def survey(unit, period, year):
            return Survey(title=f"{unit.name} {year}", questionnaire=bruker, unit=unit,
                          period_label=period, opens_on=dt.date(year, 3, 1),
                          phase="baseline" if year == 2025 else "follow_up")

        surveys = {"A_2025": survey(a, "Vår 2025", 2025), "A_2026": survey(a, "Vår 2026", 2026),
                   "B_2025": survey(b, "Vår 2025", 2025), "B_2026": survey(b, "Vår 2026", 2026),
                   "C_2025": survey(c, "Vår 2025", 2025)}
        db.add_all([n, m, *surveys.values()])
        db.commit()
        ids = {key: value.id for key, value in surveys.items()}
        ids |= {"O": o.id, "A": a.id, "B": b.id, "C": c.id, "N": n.id, "M": m.id}
    for key, rows in (("A_2025", A_2025), ("A_2026", A_2026), ("B_2025", B_2025),
                      ("B_2026", B_2026), ("C_2025", B_2025)):
        for answers in rows:
            store(app, ids[key], answers)
        release_waiting(app, ids[key])  # the hand-computed datasets count every row
    make_account("enhet@a.no", units=(ids["A"],))
    make_account("enhet@b.no", units=(ids["B"],))
    make_account("nett@n.no", networks=(ids["N"],))
    make_account("nett@m.no", networks=(ids["M"],))
    return ids


def page_row(html: str, label: str) -> str:
    start = html.index(f'<th scope="row">{label}')
    return html[start:html.index("</tr>", start)]


def test_survey_comparison_export_equals_the_page(client, world):
    url = f"/admin/surveys/{world['A_2026']}/compare?with={world['A_2025']}"
    html = page_html(client, "enhet@a.no", url)
    rows = csv_of(client.get(url.replace("/compare?", "/compare.csv?") + "&sep=,"), ",")
    found = by_id(rows, "category")
    result = found["resultat"]
    assert (result["n_baseline"], result["mean_baseline"], result["n_follow_up"],
            result["mean_follow_up"]) == ("5", "3.4", "6", "5.5")
    assert (result["difference"], result["difference_ci_low"],
            result["difference_ci_high"]) == ("2.1", "0.5748", "3.6252")
    assert (result["baseline_0_100"], result["follow_up_0_100"], result["difference_0_100"],
            result["direction"]) == ("40", "75", "35", "better")
    row = page_row(html, "Results for the user")
    for mean, low, high in (("mean_baseline", "ci_low_baseline", "ci_high_baseline"),
                            ("mean_follow_up", "ci_low_follow_up", "ci_high_follow_up")):
        assert (f"{one_decimal(float(result[mean]))} <span class=\"ci\">(95% CI "
                f"{one_decimal(float(result[low]))} to {one_decimal(float(result[high]))})"
                in row)
    assert (f"+{one_decimal(float(result['difference']))} <span class=\"ci\">(95% CI "
            f"{one_decimal(float(result['difference_ci_low']))} to "
            f"{one_decimal(float(result['difference_ci_high']))})") in row
    assert found["respekt"]["direction"] == "no clear change"
    assert "<td>no clear change</td>" in page_row(html, "Respectful treatment")
    # 4 baseline scores against 5: held back on the page and in the export.
    involvement = found["brukermedvirkning"]
    assert involvement["note"] == "fewer than 5" and involvement["n_follow_up"] == ""
    assert 'colspan="6">fewer than 5</td>' in page_row(html, "User involvement")
    sheets = xlsx_of(client.get(url.replace("/compare?", "/compare.xlsx?")))
    assert [as_csv_cells(row) for row in sheets["comparison"]] == rows


def test_organisation_comparison_export_pools_like_the_page(client, world):
    query = "questionnaire=brukerundersokelse&first=V%C3%A5r+2025&second=V%C3%A5r+2026"
    url = f"/admin/organisations/{world['O']}/compare"
    html = page_html(client, "nett@n.no", f"{url}?{query}")
    rows = csv_of(client.get(f"{url}.csv?{query}&sep=,"), ",")
    result = by_id(rows, "category")["resultat"]
    assert (result["n_baseline"], result["mean_baseline"], result["n_follow_up"],
            result["mean_follow_up"], result["surveys_left_out"]) == ("10", "3.7", "6", "5.5",
                                                                       "1")
    assert f"+{one_decimal(float(result['difference']))} " in page_row(
        html, "Results for the user")
    assert "1 survey with fewer than 5 responses left out" in html
    sheets = xlsx_of(client.get(f"{url}.xlsx?{query}"))
    assert [as_csv_cells(row) for row in sheets["comparison"]] == rows


def test_comparison_exports_refuse_bad_choices(client, world):
    log_in(client, "nett@n.no")
    survey = f"/admin/surveys/{world['A_2026']}"
    assert client.get(f"{survey}/compare.csv").status_code == 400
    assert client.get(f"{survey}/compare.csv?with={world['A_2026']}").status_code == 400
    assert client.get(f"{survey}/compare.csv?with={world['B_2025']}").status_code == 400
    assert client.get(f"{survey}/compare.csv?with=abc").status_code == 404
    assert client.get(f"{survey}/compare.csv?with={world['C_2025']}").status_code == 404
    assert client.get(
        f"{survey}/compare.csv?with={world['A_2025']}&sep=x").status_code == 400
    organisation = f"/admin/organisations/{world['O']}/compare"
    assert client.get(f"{organisation}.xlsx").status_code == 400
    assert client.get(f"{organisation}.csv?questionnaire=x&first=a&second=b").status_code == 400


# --- The network overview -----------------------------------------------------------------

RESULTAT = (7, 6, 5, 4, 3)


@pytest.fixture
def vest(app, make_account, keep_world):
    return keep_world("test_exports.vest", lambda: build_vest(app, make_account))


def build_vest(app, make_account):
    """Network Vest: «Hjemme» (5 responses, follow-up; 3 improvement teams) and «KAD»
    (4 responses, baseline; 1 team) in Kommune A; an empty network Nord."""
    with app.app_context():
        db = database.session()
        network = Network(name="Vest")
        org = Organisation(name="Kommune A", kind="kommune", network=network)
        hjemme, kad = Unit(name="Hjemme", organisation=org), Unit(name="KAD", organisation=org)
        bruker, teams = (latest_version(db, slug) for slug in ("brukerundersokelse",
                                                               "oppfolging"))
        made = {
            "hjemme": Survey(title="H", questionnaire=bruker, unit=hjemme, phase="follow_up"),
            "kad": Survey(title="K", questionnaire=bruker, unit=kad, phase="baseline"),
            "hjemme_teams": Survey(title="HT", questionnaire=teams, unit=hjemme),
            "kad_teams": Survey(title="KT", questionnaire=teams, unit=kad),
        }
        nord = Network(name="Nord")
        db.add_all([network, nord, *made.values()])
        db.commit()
        ids = {key: value.id for key, value in made.items()}
        ids |= {"network": network.id, "nord": nord.id, "kad_unit": kad.id}
    for index, value in enumerate(RESULTAT):
        answers = {"resultat_hverdag": value, "respekt_behandling": 7}
        if index < 4:
            answers["medvirkning_viktig"] = 2
        store(app, ids["hjemme"], answers)
    for _ in range(4):
        store(app, ids["kad"], {"resultat_hverdag": 7})
    release_waiting(app, ids["kad"])  # 4 to be hidden, as a migrated database holds them
    for status in ("i_drift", "i_drift", "startet"):
        store(app, ids["hjemme_teams"], {"hva_er_viktig": status, "kommentar": "=Hemmelig"})
    store(app, ids["kad_teams"], {"hva_er_viktig": "ikke_startet"})
    make_account("nett@vest.no", networks=(ids["network"],))
    make_account("nett@nord.no", networks=(ids["nord"],))
    make_account("enhet@vest.no", units=(ids["kad_unit"],))
    return ids


def page_cells(html: str, heading: str, table_class: str) -> list[str]:
    table = re.search(r'<table class="ds-table ' + table_class + r'".*?</table>', html, re.S)
    match = re.search(r'<tr><th scope="row">' + re.escape(heading) + r"</th>(.*?)</tr>",
                      table.group(0), re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", "|", cell).strip("|").replace("||", " | ") for cell in cells]


def test_network_overview_exports_equal_the_page(client, vest):
    base = f"/admin/networks/{vest['network']}/overview"
    html = page_html(client, "nett@vest.no", base)
    heat = csv_of(client.get(f"{base}.csv?table=heat&sep=,"), ",")
    assert heat[0][:4] == ["organisation", "unit", "responses", "resultat"]
    rows = {row[1]: dict(zip(heat[0], row, strict=True)) for row in heat[1:]}
    assert (rows["Hjemme"]["responses"], rows["Hjemme"]["resultat"],
            rows["Hjemme"]["respekt"], rows["Hjemme"]["brukermedvirkning"]) == (
        "5", "5", "7", "fewer than 5")
    assert rows["KAD"]["responses"] == "fewer than 5" and rows["KAD"]["resultat"] == (
        "fewer than 5")
    page = page_cells(html, "Hjemme", "heat-map")
    assert page[:4] == ["5", "5.0", "fewer than 5", "7.0"]
    shown = [one_decimal(float(v)) if re.fullmatch(r"[\d.]+", v) else v
             for v in list(rows["Hjemme"].values())[3:]]
    assert shown == page[1:]
    assert page_cells(html, "KAD", "heat-map")[0] == "fewer than 5"
    phases = csv_of(client.get(f"{base}.csv?table=phases&sep=,"), ",")
    assert phases[1:] == [["Kommune A", "Hjemme", "0", "5"],
                          ["Kommune A", "KAD", "fewer than 5", "0"]]
    assert page_cells(html, "Hjemme", "phase-table") == ["No", "Yes, 5 responses"]
    status = csv_of(client.get(f"{base}.csv?table=status"), ";")
    assert status[0][:4] == ["organisation", "unit", "teams", "hva_er_viktig"]
    by_unit = {row[1]: row for row in status[1:]}
    assert by_unit["Hjemme"][3] == page_cells(html, "Hjemme", "status-table")[1]
    assert by_unit["KAD"][3] == page_cells(html, "KAD", "status-table")[1]
    assert "Hemmelig" not in "".join(map(str, status))
    sheets = xlsx_of(client.get(f"{base}.xlsx"))
    assert list(sheets) == ["heat", "phases", "status"]
    assert [as_csv_cells(row) for row in sheets["heat"]] == heat
    assert [as_csv_cells(row) for row in sheets["phases"]] == phases
    assert len(sheets["status"]) == len(status)


def test_network_overview_export_refuses_bad_choices(client, vest):
    client.set_cookie("lang", "en")
    log_in(client, "nett@vest.no")
    base = f"/admin/networks/{vest['network']}/overview"
    assert client.get(f"{base}.csv?table=everything").status_code == 400
    assert "heat, phases or status" in client.get(f"{base}.csv?table=x").get_data(as_text=True)
    assert client.get(f"{base}.csv?sep=%7C").status_code == 400
    assert client.get(f"{base}.xlsx?questionnaire=nope").status_code == 400
    assert client.get(f"{base}.csv").status_code == 200  # the heat map by default


# --- The gathering table and the pairs ----------------------------------------------------

def test_gathering_table_as_xlsx_equals_the_csv(app, client, make_account):
    with app.app_context():
        db = database.session()
        network = Network(name="Sør")
        db.add(Unit(name="Enhet", organisation=Organisation(name="K", kind="kommune",
                                                            network=network)))
        survey = Survey(title="Samling 1", questionnaire=latest_version(db, "samling"),
                        gathering=Gathering(network=network, number=1), invited=9)
        db.add(survey)
        db.commit()
        network_id, survey_id = network.id, survey.id
    for value in (1, 1, 2, 2, 3):
        store(app, survey_id, {"nytte_totalt": value, "kommentar": "=x"})
    make_account("nett@sor.no", networks=(network_id,))
    rows = csv_of(ok(client, "nett@sor.no", f"/admin/networks/{network_id}/evaluations.csv"
                                            "?sep=,"), ",")
    sheets = xlsx_of(client.get(f"/admin/networks/{network_id}/evaluations.xlsx"))
    assert [as_csv_cells(row) for row in sheets["evaluations"]] == rows
    assert ["", "Number of responses", "", "5"] in rows
    n_rows = [row[3] for row in rows if row[1:3] == ["Overall usefulness of the gathering", "n"]]
    assert n_rows == ["5"]


def store_user(app, survey_id: int, scores: tuple[int, int], text: str) -> None:
    """A PSFS baseline with one activity, and its follow-up."""
    day = dt.date(2026, 2, 2)
    with app.app_context():
        from surveys.follow_up_queries import baseline_code

        db = database.session()
        survey = db.get(Survey, survey_id)
        key = secrets.token_urlsafe(18)
        named = [AnswerValue("activities.activity", 0, None, text),
                 AnswerValue("activities.score", 0, float(scores[0]), None)]
        submit_response(db, survey, None, key, "nb", named, day,
                        follow_up=FollowUpPlan(app.secret_key, day + dt.timedelta(weeks=4)))
        _code, row = baseline_code(db, app.secret_key, survey_id, key)
        submit_follow_up(db, survey, row, secrets.token_urlsafe(18), "nb",
                         [AnswerValue("activities.score", 0, float(scores[1]), None)],
                         day + dt.timedelta(days=30))


def test_pairs_as_xlsx_equal_the_csv_and_are_neutralised(app, client, make_survey,
                                                         make_account):
    survey = make_survey("psfs")
    # each text named by 5 users: an activity fewer name is exported as «other activity»
    # (never quoted), and these must be shown to test that they are neutralised
    for text in INJECTIONS[:5]:
        for scores in ((3, 6), (2, 4), (5, 5), (4, 5), (1, 5)):
            store_user(app, survey.id, scores, text)
    unit_lead, _ = leads(app, make_account, survey.id)
    rows = csv_of(ok(client, unit_lead, f"/admin/surveys/{survey.id}/pairs.csv?sep=,"), ",")
    sheets = xlsx_of(client.get(f"/admin/surveys/{survey.id}/pairs.xlsx"))
    assert [as_csv_cells(row) for row in sheets["pairs"]] == rows
    activity = rows[0].index("activity")
    assert sorted(row[activity] for row in sheets["pairs"][1:]) == sorted(
        "'" + text for text in INJECTIONS[:5] for _user in range(5))
    assert client.get(f"/admin/surveys/{survey.id}/pairs.csv?sep=x").status_code == 400


# --- Who may download ---------------------------------------------------------------------

def test_a_lead_of_another_unit_gets_404_on_every_new_route(client, world):
    a_2026, a_2025 = world["A_2026"], world["A_2025"]
    urls = [
        f"/admin/surveys/{a_2026}/export.xlsx", f"/admin/surveys/{a_2026}/pairs.xlsx",
        f"/admin/surveys/{a_2026}/results.csv", f"/admin/surveys/{a_2026}/results.xlsx",
        f"/admin/surveys/{a_2026}/compare.csv?with={a_2025}",
        f"/admin/surveys/{a_2026}/compare.xlsx?with={a_2025}",
        f"/admin/organisations/{world['O']}/compare.csv",
        f"/admin/organisations/{world['O']}/compare.xlsx",
        f"/admin/networks/{world['N']}/overview.csv",
        f"/admin/networks/{world['N']}/overview.xlsx",
        f"/admin/networks/{world['N']}/evaluations.xlsx",
    ]
    log_in(client, "enhet@b.no")
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    log_out(client)
    log_in(client, "nett@m.no")
    for url in urls:
        assert client.get(url).status_code in (403, 404), url


def test_the_pages_link_to_their_downloads(client, world, vest):
    html = page_html(client, "enhet@a.no", f"/admin/surveys/{world['A_2026']}/results")
    assert f'href="/admin/surveys/{world["A_2026"]}/results.xlsx"' in html
    assert f'href="/admin/surveys/{world["A_2026"]}/results.csv?sep=,"' in html
    html = page_html(client, "enhet@a.no",
                     f"/admin/surveys/{world['A_2026']}/compare?with={world['A_2025']}")
    assert f"/admin/surveys/{world['A_2026']}/compare.xlsx?with={world['A_2025']}" in html
    html = page_html(client, "enhet@a.no", f"/admin/surveys/{world['A_2026']}")
    assert f'href="/admin/surveys/{world["A_2026"]}/export.xlsx"' in html
    log_out(client)
    html = page_html(client, "nett@vest.no", f"/admin/networks/{vest['network']}/overview")
    for table in ("heat", "phases", "status"):
        assert f"overview.csv?table={table}" in html
    assert "Excel (XLSX), all three tables" in html
