"""Proof of the gathering table (issue 16): one network's four gathering evaluations, checked
cell by cell against figures computed here by hand from the raw answers.

The network «Helgeland» evaluates gatherings 1–4 with two surveys each (one per group of
participants). Gatherings 1–2 use the built-in «samling»; gathering 3 uses the network's own
adapted evaluation «samling_helgeland» (uploaded: it drops «Oppfølging per telefon og e-post»
and adds «Plakatvandringen») beside a «samling» survey; gathering 4 uses only the adapted one.
Respondents skip items (None below), answer «vet ikke» (DK), and two send a blank form. Each
survey has its number invited, but one (gathering 3) where it is not known; one survey at
gathering 2 has only 3 responses and is left out of the pool (anonymity rule). Gathering 4
also has a survey of another questionnaire, which the page must name, not read.

What the page must show, computed below without the code under test: per cell the mean of
the numbers given (skips and «vet ikke» leave that item's n only), n, and the 95 % t interval
mean ± t(0.975, n − 1) · sd / √n (t from a printed table), cut at the scale's ends 1 and 5
as on every results page; «ikke spurt» where no
questionnaire of the gathering had the item, «vises ikke» where fewer than 5 answered it,
«ingen svar» where it was asked and nobody answered; responses, invited and the rate.
"""

from __future__ import annotations

import math
import re
import statistics
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa

import database
from questionnaires.loader import builtin_definitions
from questionnaires.operations import store_version
from questionnaires.queries import latest_version
from questionnaires.schema import Definition
from surveys.models import Gathering, Survey
from tests.conftest import release_waiting
from tests.test_gathering_table import make_network, page, store

pytestmark = pytest.mark.both_backends

DK = "dont_know"
# t(0.975, df), from a printed table of Student's t distribution.
T975 = {4: 2.776445, 5: 2.570582, 6: 2.446912, 7: 2.364624, 8: 2.306004, 9: 2.262157}

ITEMS = ("balanse", "nytte_totalt", "poster", "info_forkant", "nytte_hjemmeoppgaver",
         "forbedringsarbeid", "oppfolging_tlf_mail")
TEXT_NB = {"balanse": "Balanse mellom forelesninger og gruppearbeid",
           "nytte_totalt": "Nytten av samlingen totalt sett",
           "poster": "Plakatvandringen",
           "info_forkant": "Informasjonen i forkant av samlingen",
           "nytte_hjemmeoppgaver": "Nytten av hjemmeoppgavene",
           "forbedringsarbeid": "Forbedringsarbeidet i egen kommune",
           "oppfolging_tlf_mail": "Oppfølging per telefon og e-post"}
OWN = "samling_helgeland"

# gathering -> surveys: (questionnaire, invited, {item: one entry per response})
SURVEYS: dict[int, list[tuple[str, int | None, dict[str, list]]]] = {
    1: [("samling", 12, {"balanse": [1, 2, 2, 3, 1, None, 2],
                         "nytte_totalt": [1, 1, 2, 2, 1, 2, None],
                         "info_forkant": [2, DK, 3, None, 2, 2, 1]}),
        ("samling", 10, {"balanse": [2, 2, 1, None, 3, None],  # 4th and 6th: blank forms
                         "nytte_totalt": [1, 2, 1, None, 1, None],
                         "info_forkant": [DK, DK, 2, None, 3, None]})],
    2: [("samling", 15, {"balanse": [1, 1, 2, 1, 2, 1, 1, None],
                         "nytte_totalt": [1, 2, 1, 1, 1, 1, 2, 1],
                         "info_forkant": [3, 3, None, 2, DK, 4, 3, 3],
                         "oppfolging_tlf_mail": [2, 2, 3, None, None, 2, 2, None]}),
        ("samling", 6, {"balanse": [5, 5, 5], "nytte_totalt": [5, 5, 5],  # left out: 3
                        "info_forkant": [5, 5, 5], "oppfolging_tlf_mail": [5, 5, 5]})],
    3: [(OWN, 20, {"balanse": [1, 2, 1, 2, 1, 2], "nytte_totalt": [1, 1, 1, 2, 1, 1],
                   "info_forkant": [2, 2, None, 2, 3, None],
                   "poster": [1, 2, None, None, 1, 2]}),
        ("samling", None, {"balanse": [2, 2, 3, None, 2], "nytte_totalt": [1, 2, 2, 1, None],
                           "info_forkant": [DK, 2, 2, 3, 2],
                           "oppfolging_tlf_mail": [3, 3, None, 4, 3]})],
    4: [(OWN, 9, {"balanse": [1, 1, 1, 2, 2], "nytte_totalt": [1, 1, 1, 1, 2],
                  "info_forkant": [1, 2, 2, DK, None], "poster": [1, 1, 2, 2, 1]}),
        (OWN, 9, {"balanse": [2, 1, None, 1, 1], "nytte_totalt": [1, 1, 2, None, 1],
                  "info_forkant": [2, 2, 3, 2, 2], "poster": [2, 1, 1, 1, 2]})],
}


def adapted() -> Definition:
    """The network's own evaluation: «samling» without the phone item, with the poster walk."""
    content = builtin_definitions()["samling"].model_dump(mode="json", exclude_none=True)
    content.update(id=OWN, version=1)
    first, between = content["sections"][0], content["sections"][1]
    first["items"].append({"id": "poster", "type": "scale", "scale": "samling5",
                           "category": "samlingen", "required": False,
                           "text": {"nb": "Plakatvandringen", "nn": "Plakatvandringa",
                                    "en": "The poster walk"}})
    between["items"] = [i for i in between["items"] if i["id"] != "oppfolging_tlf_mail"]
    return Definition.model_validate(content)


def asked_by(slug: str) -> set[str]:
    definition = adapted() if slug == OWN else builtin_definitions()[slug]
    return {item.id for item in definition.items()} & set(ITEMS)


@pytest.fixture
def helgeland(app, make_account, keep_world):
    return keep_world("test_gathering_proof.helgeland", lambda: build_helgeland(app, make_account))


def build_helgeland(app, make_account):
    with app.app_context():
        db = database.session()
        network = make_network(db, "Helgeland")
        own = store_version(db, adapted(), "upload")
        for number, surveys in SURVEYS.items():
            gathering = Gathering(network=network, number=number)
            db.add(gathering)
            for index, (slug, invited, answers) in enumerate(surveys):
                version = own if slug == OWN else latest_version(db, slug)
                survey = Survey(title=f"Samling {number} gruppe {index + 1}",
                                questionnaire=version, gathering=gathering, invited=invited)
                db.add(survey)
                db.commit()
                count = len(next(iter(answers.values())))
                for row in range(count):
                    store(db, survey, {item: values[row] for item, values in answers.items()
                                       if values[row] is not None})
        db.add(Survey(title="Samhandling ved samling 4", gathering=gathering, invited=30,
                      questionnaire=latest_version(db, "samhandling")))
        db.commit()
        network_id = network.id
        survey_ids = [survey.id for survey in db.scalars(sa.select(Survey))]
    # Every response counted, as the hand computation counts them: released in batches of
    # one here (the batches of k are tested in tests/test_anonymity_batches.py).
    for survey_id in survey_ids:
        release_waiting(app, survey_id)
    make_account("nett@helgeland.no", networks=(network_id,))
    return network_id


# --- The figures by hand ---------------------------------------------------------------------

def two(value: float) -> str:
    """Two decimals with a decimal comma, after checking that the value is no tie nor near
    one (so half-up and half-even, and a t quantile given to six decimals, agree)."""
    shown = {Decimal(repr(value + nudge)).quantize(Decimal("0.01"), rounding=mode)
             for nudge in (-1e-5, 0.0, 1e-5) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}
    assert len(shown) == 1, f"the test's data put {value} on a rounding edge"
    return str(shown.pop()).replace(".", ",")


def kept(number: int) -> list[tuple[str, int | None, dict[str, list]]]:
    """The surveys a gathering's column pools: those with 0 or at least 5 responses."""
    return [s for s in SURVEYS[number] if not 0 < len(next(iter(s[2].values()))) < 5]


def expected_cell(number: int, item: str) -> tuple[str, str]:
    """(main table text, interval table text) of one cell, in bokmål."""
    if not any(item in asked_by(slug) for slug, _, _ in SURVEYS[number]):
        return "ikke spurt", "ikke spurt"
    values = [v for slug, _, answers in kept(number) if item in asked_by(slug)
              for v in answers.get(item, []) if isinstance(v, int)]
    if not values:
        return "ingen svar n = 0", "ingen svar"
    if len(values) < 5:
        return "vises ikke", "vises ikke"
    n, mean = len(values), sum(values) / len(values)
    half = T975[n - 1] * statistics.stdev(values) / math.sqrt(n)
    low, high = max(mean - half, 1), min(mean + half, 5)  # cut at the scale's ends, 1–5
    return f"{two(mean)} n = {n}", f"{two(low)}–{two(high)}"


def expected_counts(number: int) -> tuple[str, str, str]:
    """Responses, invited and response rate of a gathering, in bokmål."""
    surveys = kept(number)
    responses = sum(len(next(iter(a.values()))) for _, _, a in surveys)
    invited = [i for _, i, _ in surveys]
    if None in invited:
        return str(responses), "ikke kjent", "ikke kjent"
    rate = Decimal(100 * responses) / Decimal(sum(invited))  # type: ignore[arg-type]
    return (str(responses), str(sum(invited)),  # type: ignore[arg-type]
            f"{rate.quantize(Decimal('1'), rounding=ROUND_HALF_UP)} %")  # (spaces made plain)


# --- The page --------------------------------------------------------------------------------

def cells_of(table: str) -> dict[str, list[str]]:
    """Row key -> its cells as plain text, of one rendered table."""
    found = {}
    for key, cells in re.findall(r'<tr data-row="([^"]+)">(.*?)</tr>', table, re.S):
        found[key] = [" ".join(re.sub(r"<[^>]+>", " ", c).split())
                      for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
    return found


def test_the_table_cell_by_cell_against_figures_computed_by_hand(client, helgeland):
    html = page(client, "nett@helgeland.no", f"/admin/networks/{helgeland}/evaluations",
                "nb").get_data(as_text=True)
    means, intervals = (cells_of(t) for t in re.findall(
        r'<table class="ds-table gathering-table[^"]*"[^>]*>(.*?)</table>', html, re.S))
    for item in ITEMS:
        expected = [expected_cell(number, item) for number in SURVEYS]
        assert means[item] == [e[0] for e in expected], item
        assert intervals[item] == [e[1] for e in expected], item
        assert f'<tr data-row="{item}"><th scope="row">{TEXT_NB[item]}</th>' in html
    counts = [expected_counts(number) for number in SURVEYS]
    assert means["responses"] == [c[0] for c in counts]
    assert means["invited"] == [c[1] for c in counts]
    assert means["rate"] == [c[2] for c in counts]


def test_what_the_hand_computed_figures_are(client, helgeland):
    """A few of the figures above written out, so the proof's arithmetic can be read."""
    assert expected_cell(1, "balanse")[0] == "1,90 n = 10"  # 19 / 10
    assert expected_cell(1, "info_forkant")[0] == "2,14 n = 7"  # 15 / 7, three DK or skipped
    assert expected_cell(2, "balanse") == ("1,29 n = 7", "1,00–1,74")  # 9 / 7, without the
    # survey of 3; the interval 0,83–1,74 cut at the scale's end
    assert expected_cell(3, "nytte_totalt")[0] == "1,30 n = 10"  # 13 / 10 over both surveys
    assert expected_cell(3, "poster") == ("vises ikke", "vises ikke")  # 4 answered
    assert expected_cell(4, "oppfolging_tlf_mail") == ("ikke spurt", "ikke spurt")
    assert expected_cell(4, "poster")[0] == "1,40 n = 10"
    assert expected_counts(2) == ("8", "15", "53 %")
    assert expected_counts(3) == ("11", "ikke kjent", "ikke kjent")


def test_the_page_names_what_it_leaves_out_and_explains_its_words(client, helgeland):
    html = page(client, "nett@helgeland.no", f"/admin/networks/{helgeland}/evaluations",
                "nb").get_data(as_text=True)
    assert 'data-others="1"' in html and "Samhandling ved samling 4" in html
    assert 'data-left-out="1"' in html  # the survey of 3 at gathering 2
    for note in ("not_asked", "suppressed", "no_answers"):
        assert f'data-note="{note}"' in html
    assert "«Vises ikke»" in html and "«Ikke spurt»" in html
