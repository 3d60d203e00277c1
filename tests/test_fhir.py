"""HL7 FHIR R4: questionnaires out and in, and a survey's responses out as a Bundle.

The documents are checked with the `fhir.resources` models. Its R4 models (6.0–6.2) need
pydantic 1, which cannot live beside the app's pydantic 2, so the R4B models of
fhir.resources 8 are used: R4B changed nothing in Questionnaire, QuestionnaireResponse or
Bundle, and the export uses R4 elements only.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import random
import secrets

import pytest
import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from flask import Flask, current_app
from werkzeug.datastructures import MultiDict

import database
from app import create_app
from hl7fhir import terms as t
from hl7fhir.questionnaire_export import questionnaire_resource
from hl7fhir.questionnaire_import import definition_from_resource, parse_questionnaire
from hl7fhir.responses import bundle_chunks
from questionnaires import forms as qforms
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from questionnaires.loader import DefinitionError, builtin_definitions
from questionnaires.models import QuestionnaireVersion
from surveys.account_models import AuditEntry
from surveys.follow_up_queries import baseline_activities, baseline_code
from surveys.models import Response, ResponseSource, Survey
from surveys.operations import follow_up_plan, submit_follow_up, submit_response
from tests.conftest import csrf_of, leads, log_in, release_waiting

pytestmark = pytest.mark.both_backends  # rows typed by each driver

BASE = "https://fhir.kommune.example/fhir"
BUILTINS = sorted(builtin_definitions())


@pytest.fixture(scope="module")
def plain_app() -> Flask:
    """An app without a database: exporting a definition reads only the translations."""
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "test"})


def export(plain_app: Flask, definition: s.Definition) -> dict:
    with plain_app.app_context():
        return questionnaire_resource(definition, BASE)


def items_by_link(resource: dict) -> dict[str, dict]:
    """Every item of a Questionnaire (or QuestionnaireResponse) at any depth, by linkId."""
    found: dict[str, dict] = {}

    def walk(items: list[dict]) -> None:
        for item in items:
            assert item["linkId"] not in found, f"linkId {item['linkId']} used twice"
            found[item["linkId"]] = item
            walk(item.get("item", []))

    walk(resource.get("item", []))
    return found


def extension(element: dict, url: str) -> dict | None:
    return next((e for e in element.get("extension", []) if e["url"] == url), None)


# --- Questionnaire export ---------------------------------------------------------------------

@pytest.mark.parametrize("slug", BUILTINS)
def test_every_builtin_exports_a_questionnaire_the_r4_models_parse(plain_app, slug):
    definition = builtin_definitions()[slug]
    resource = json.loads(json.dumps(export(plain_app, definition)))
    Questionnaire.model_validate(resource)
    assert resource["url"] == f"{BASE}/Questionnaire/{slug}"
    assert resource["version"] == str(definition.version)
    assert (resource["status"], resource["language"]) == ("active", "nb")
    links = items_by_link(resource)  # asserts that every linkId is unique
    for item in definition.items():
        assert links[item.id]["text"] == item.text.nb
        for child in getattr(item, "items", []):
            assert f"{item.id}.{child.id}" in links


def test_psfs_scores_are_integers_0_to_10_in_a_group_of_at_most_five_rows(plain_app):
    links = items_by_link(export(plain_app, builtin_definitions()["psfs"]))
    group, score = links["activities"], links["activities.score"]
    assert (group["type"], group["repeats"]) == ("group", True)
    assert extension(group, t.MAX_OCCURS)["valueInteger"] == 5
    assert score["type"] == "integer"
    assert extension(score, t.MIN_VALUE)["valueInteger"] == 0
    assert extension(score, t.MAX_VALUE)["valueInteger"] == 10
    ends = {t_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]: t_item["text"]
            for t_item in score["item"]}
    assert ends == {"lower": "Kan ikke utføre aktiviteten", "upper":
                    "Kan utføre aktiviteten uten vanskeligheter eller som før sykdommen"}
    assert (links["activities.activity"]["type"], links["activities.activity"]["maxLength"]) \
        == ("string", 200)


def test_a_labelled_scale_is_a_choice_with_ordinal_values_and_dont_know(plain_app):
    definition = builtin_definitions()["brukerundersokelse"]
    scale_item = next(i for i in definition.items() if isinstance(i, s.ScaleItem))
    item = items_by_link(export(plain_app, definition))[scale_item.id]
    assert item["type"] == "choice"
    options = item["answerOption"]
    ordinals = [extension(o, t.ORDINAL_VALUE) for o in options]
    assert [o["valueDecimal"] for o in ordinals[:-1]] == list(range(1, 8))
    assert options[-1]["valueCoding"]["code"] == "dont_know" and ordinals[-1] is None
    assert options[0]["valueCoding"]["display"] == "Helt uenig"
    assert "display" not in options[1]["valueCoding"]  # step 2 has no label
    assert extension(item, t.SCALE)["valueCode"] == "agree7"
    assert extension(item, t.CATEGORY)["valueCode"] == scale_item.category


def test_texts_carry_nn_and_en_translations(plain_app):
    resource = export(plain_app, builtin_definitions()["psfs"])
    translated = {e["extension"][0]["valueCode"]: e["extension"][1]["valueString"]
                  for e in resource["_title"]["extension"]}
    assert translated == {"nn": "«Kva er viktig for deg?»", "en": "«What matters to you?»"}
    assert all(e["url"] == t.TRANSLATION for e in resource["_title"]["extension"])


def test_condition_is_enable_when_and_hint_a_help_display(plain_app):
    definition = builtin_definitions()["brukerundersokelse"]
    conditional = next(i for i in definition.items() if i.show_if is not None)
    links = items_by_link(export(plain_app, definition))
    assert links[conditional.id]["enableWhen"] == [{
        "question": conditional.show_if.item, "operator": "=",
        "answerCoding": {"code": str(conditional.show_if.equals)}}]
    hinted = next(i for i in definition.items() if i.hint is not None)
    hint = links[f"{hinted.id}-hint"]
    assert hint["type"] == "display" and hint["text"] == hinted.hint.nb
    assert extension(hint, t.ITEM_CONTROL)["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_checklist_steps_dates_and_the_pathway(plain_app):
    definition = builtin_definitions()["sjekkliste"]
    resource = export(plain_app, definition)
    links = items_by_link(resource)
    step = links[definition.checklist_items()[0].id]
    assert [o["valueCoding"]["code"] for o in step["answerOption"]] == [
        "done", "not_done", "not_relevant"]
    assert links[definition.pathway.start]["type"] == "date"
    pathway = extension(resource, t.PATHWAY)["extension"]
    assert pathway == [{"url": "start", "valueCode": "forlop_start"},
                       {"url": "label", "valueCode": "forlop_merke"}]


# --- Import and the round trip ----------------------------------------------------------------

@pytest.mark.parametrize("slug", BUILTINS)
def test_round_trip_gives_the_same_definition_and_the_same_document(plain_app, slug):
    definition = builtin_definitions()[slug]
    document = json.loads(json.dumps(export(plain_app, definition)))
    imported = definition_from_resource(copy.deepcopy(document))
    assert imported == definition
    assert json.loads(json.dumps(export(plain_app, imported))) == document


OWN = """\
id: egen
version: 3
title: {nb: Eget skjema, nn: Eige skjema, en: Our own form}
source: {nb: Laget av oss, nn: Laga av oss, en: Written by us}
scales:
  nrs:
    {min: 0, max: 10, good: low, labels: {0: {nb: Ingen, nn: Ingen, en: None},
                                           10: {nb: Verst, nn: Verst, en: Worst}}}
  agree3:
    {min: 1, max: 3, good: high, labels: {1: {nb: Uenig, nn: Usamd, en: Disagree},
                                          3: {nb: Enig, nn: Samd, en: Agree}}}
  unused:
    {min: 1, max: 2, good: high, labels: {1: {nb: En, nn: Ein, en: One},
                                          2: {nb: To, nn: To, en: Two}}}
categories:
  - {id: unused_category, text: {nb: Ubrukt, nn: Ubrukt, en: Unused}}
sections:
  - id: a
    title: {nb: Del A, nn: Del A, en: Part A}
    intro: {nb: Om smerte, nn: Om smerte, en: About pain}
    items:
      - {id: pain, type: scale, scale: nrs, text: {nb: Smerte, nn: Smerte, en: Pain}}
      - id: worse
        type: long_text
        required: false
        max_length: 500
        show_if: {item: pain, equals: 8}
        text: {nb: "Hva gjør det verre?", nn: "Kva gjer det verre?", en: "What makes it worse?"}
      - {id: agree, type: scale, scale: agree3, dont_know: true,
         text: {nb: "Enig?", nn: "Samd?", en: "Agree?"}}
      - id: why
        type: text
        required: false
        show_if: {item: agree, equals: 1}
        text: {nb: "Hvorfor?", nn: "Kvifor?", en: "Why?"}
      - id: rows
        type: group
        min_repeat: 0
        max_repeat: 3
        required: false
        row_label: {nb: Rad, nn: Rad, en: Row}
        text: {nb: Rader, nn: Rader, en: Rows}
        items:
          - {id: when, type: date, years_back: 2, text: {nb: Når, nn: Når, en: When},
             hint: {nb: Dato, nn: Dato, en: Date}}
          - {id: how_many, type: integer, min: -3, max: 40, text: {nb: Antall, nn: Tal, en: Count}}
"""


def test_round_trip_of_conditions_on_scales_and_unused_parts(plain_app):
    from questionnaires.loader import parse_definition

    definition = parse_definition(OWN, "egen.yaml")
    document = json.loads(json.dumps(export(plain_app, definition)))
    Questionnaire.model_validate(document)
    links = items_by_link(document)
    assert links["pain"]["type"] == "integer"
    assert links["worse"]["enableWhen"][0]["answerInteger"] == 8
    assert links["why"]["enableWhen"][0]["answerCoding"] == {"code": "1"}
    imported = definition_from_resource(copy.deepcopy(document))
    assert imported == definition
    assert json.loads(json.dumps(export(plain_app, imported))) == document


def test_import_from_text_takes_the_id_from_the_url(plain_app):
    document = export(plain_app, builtin_definitions()["psfs"])
    document["url"] = f"{BASE}/Questionnaire/psfs_frogner"
    imported = parse_questionnaire(json.dumps(document), "psfs.json")
    assert (imported.id, imported.version) == ("psfs_frogner", 2)


def test_an_imported_category_that_mixes_scales_is_refused_as_an_upload_is(plain_app):
    """A Questionnaire whose category puts a 1–5 «lower is better» and a 1–7 «higher is
    better» item together: the same rule as a definition file, with the categories as data
    for the page's message."""
    samling = builtin_definitions()["samling"]
    data = samling.model_dump(mode="json", exclude_none=True)
    data["scales"]["enig7"] = {"min": 1, "max": 7, "good": "high",
                               "labels": {1: data["title"], 7: data["title"]}}
    scale_items = [item for section in data["sections"] for item in section["items"]
                   if item["type"] == "scale" and item.get("category") == "samlingen"]
    scale_items[0]["scale"] = "enig7"
    mixed = s.Definition.model_validate(data, context={s.STORED: True})
    with pytest.raises(DefinitionError) as caught:
        definition_from_resource(export(plain_app, mixed), "samling.json")
    assert [found.category for found in caught.value.mixed] == ["samlingen"]
    assert "samling.json: categories[0]: the category 'samlingen' mixes scales" in \
        caught.value.problems[0]


def test_plain_fhir_without_our_extensions_imports(plain_app):
    plain = {
        "resourceType": "Questionnaire", "url": "http://example.org/Questionnaire/kort",
        "status": "active", "language": "en", "title": "Short",
        "_title": translated("Kort", "Kort"),
        "item": [{"linkId": "q1", "type": "choice", "required": True, "text": "Happy?",
                  "_text": translated("Fornøyd?", "Nøgd?"),
                  "answerOption": [
                      {"valueCoding": {"code": "yes", "display": "Yes",
                                       "_display": translated("Ja", "Ja")}},
                      {"valueCoding": {"code": "no", "display": "No",
                                       "_display": translated("Nei", "Nei")}}]},
                 {"linkId": "why", "type": "text", "text": "Why?",
                  "_text": translated("Hvorfor?", "Kvifor?"),
                  "enableWhen": [{"question": "q1", "operator": "=",
                                  "answerCoding": {"code": "no"}}]}]}
    definition = definition_from_resource(plain)
    assert (definition.id, definition.version) == ("kort", 1)
    first, second = definition.items()
    assert first.type == "single_choice" and first.text.nb == "Fornøyd?"
    assert second.type == "long_text" and second.show_if == s.Condition(item="q1", equals="no")
    assert definition.source.en == "http://example.org/Questionnaire/kort|1"


def translated(nb: str, nn: str) -> dict:
    return {"extension": [
        {"url": t.TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                             {"url": "content", "valueString": text}]}
        for lang, text in (("nb", nb), ("nn", nn))]}


def _item(document: dict, link_id: str) -> dict:
    return items_by_link(document)[link_id]


def _set(link_id: str, **changes):
    def change(document: dict) -> None:
        _item(document, link_id).update(changes)
    return change


def _enable_when(**when):
    def change(document: dict) -> None:
        item = _item(document, "helper")
        item["enableWhen"] = [{**item["enableWhen"][0], **when}]
    return change


def _two_conditions(document: dict) -> None:
    item = _item(document, "helper")
    item["enableWhen"] = item["enableWhen"] * 2


def _no_nn(document: dict) -> None:
    _item(document, "who_answered")["_text"]["extension"].pop(0)


def _renumbered_step(document: dict) -> None:
    option = _item(document, "resultat_hverdag")["answerOption"][2]
    option["extension"][0]["valueDecimal"] = 9


def _group_in_group(document: dict) -> None:
    _item(document, "activities")["item"].append(
        {"linkId": "activities.more", "type": "group", "text": "x", "repeats": True})


UNSUPPORTED = {
    "quantity": (_set("who_answered", type="quantity"),
                 "item 'who_answered': type 'quantity' is not supported"),
    "operator >": (_enable_when(operator=">"),
                   "item 'helper': enableWhen with operator '>' is not supported (only '=')"),
    "answerBoolean": (_enable_when(answerBoolean=True),
                      "item 'helper': enableWhen with answerBoolean is not supported"),
    "two conditions": (_two_conditions,
                       "item 'helper': only one enableWhen condition is supported"),
    "value set": (_set("who_answered", answerValueSet="http://example.org/ValueSet/x"),
                  "item 'who_answered': 'answerValueSet' is not supported"),
    "missing nn": (_no_nn, "item 'who_answered': the text has no translation to nn (give it "
                           "with the translation extension on '_text')"),
    "linkId": (_set("who_answered", linkId="1.1"),
               "item '1.1': the linkId '1.1' is not supported: use lower-case letters a–z, "
               "digits and _, starting with a letter, at most 40 characters"),
    "foreign extension": (_set("who_answered", extension=[
        {"url": "http://example.org/x", "valueString": "y"}]),
        "item 'who_answered': extension 'http://example.org/x' is not supported"),
    "scale changed": (_renumbered_step,
                      "item 'resultat_hverdag': the answer options, bounds or end labels do not "
                      "match the scale 'agree7'"),
    "condition on a later item": (_enable_when(question="comment"),
                                  "item 'helper': show_if.item: 'comment' is not an item that "
                                  "comes before this one"),
}


@pytest.mark.parametrize("case", UNSUPPORTED)
def test_unsupported_questionnaire_gets_its_precise_message(plain_app, case):
    change, message = UNSUPPORTED[case]
    document = export(plain_app, builtin_definitions()["brukerundersokelse"])
    document["url"] = f"{BASE}/Questionnaire/bruker_min"
    change(document)
    with pytest.raises(DefinitionError) as refused:
        parse_questionnaire(json.dumps(document), "bruker.json")
    assert f"bruker.json: {message}" in refused.value.problems, refused.value.problems


def test_the_purpose_of_a_gathering_evaluation_travels_and_is_checked(plain_app):
    document = export(plain_app, builtin_definitions()["samling"])
    assert {"url": t.PURPOSE, "valueCode": "gathering_evaluation"} in document["extension"]
    document["url"] = f"{BASE}/Questionnaire/samling_var"
    assert definition_from_resource(copy.deepcopy(document)).purpose == "gathering_evaluation"
    for extension in document["extension"]:
        if extension["url"] == t.PURPOSE:
            extension["valueCode"] = "samling"
    with pytest.raises(DefinitionError) as refused:
        definition_from_resource(document, "s.json")
    assert any(line.startswith("s.json: purpose:") and "gathering_evaluation" in line
               for line in refused.value.problems), refused.value.problems


def test_a_group_in_a_repeating_group_is_refused(plain_app):
    document = export(plain_app, builtin_definitions()["psfs"])
    _group_in_group(document)
    with pytest.raises(DefinitionError) as refused:
        definition_from_resource(document, "p.json")
    assert refused.value.problems == [
        "p.json: item 'activities.more': groups and repeating items inside a repeating group "
        "are not supported"]


@pytest.mark.parametrize(("text", "message"), [
    ('{"resourceType": "Patient"}',
     "q.json: the file must hold a FHIR Questionnaire (resourceType 'Questionnaire')"),
    ('{"resourceType": ', "q.json: line 1, column 18: Expecting value (not valid JSON)"),
    ('{"resourceType": "Questionnaire", "url": "x/Questionnaire/y", "status": "active"}',
     "q.json: language: give the language of the texts: nb, nn or en"),
    ('{"resourceType": "Questionnaire", "language": "nb", "url": "http://x/Q/Min-Skjema"}',
     "q.json: url: the id 'Min-Skjema' is not supported: use lower-case letters a–z, digits "
     "and _, starting with a letter, at most 40 characters"),
])
def test_not_a_questionnaire_we_can_read(text, message):
    with pytest.raises(DefinitionError) as refused:
        parse_questionnaire(text, "q.json")
    assert refused.value.problems == [message]


def test_every_refused_item_is_listed_not_only_the_first(plain_app):
    document = export(plain_app, builtin_definitions()["brukerundersokelse"])
    _set("who_answered", type="quantity")(document)
    _set("comment", type="attachment")(document)
    with pytest.raises(DefinitionError) as refused:
        definition_from_resource(document, "b.json")
    assert refused.value.problems == [
        "b.json: item 'who_answered': type 'quantity' is not supported",
        "b.json: item 'comment': type 'attachment' is not supported"]


# --- Responses as a Bundle --------------------------------------------------------------------

def _value(item, definition: s.Definition, rng: random.Random, day: dt.date):
    if isinstance(item, s.ScaleItem):
        scale = definition.scale_of(item)
        options = [str(step) for step in scale.steps] + (["dont_know"] if item.dont_know else [])
        return rng.choice(options)
    if isinstance(item, s.SingleChoiceItem | s.ChecklistItem):
        return rng.choice([o.value for o in item.options] if isinstance(
            item, s.SingleChoiceItem) else list(s.CHECKLIST_VALUES))
    if isinstance(item, s.MultipleChoiceItem):
        return [o.value for o in rng.sample(item.options, 2)]
    if isinstance(item, s.IntegerItem):
        return str(rng.randint(item.min, item.max))
    if isinstance(item, s.DateItem):
        return (day - dt.timedelta(days=3)).isoformat()
    return rng.choice(["Komme meg hjem", "Gå tur med hunden", "Takk for hjelpen"])


def _form_answers(definition: s.Definition, rng: random.Random, day: dt.date):
    """A valid set of answers, made and checked by the form builder, as the pages do."""
    data = MultiDict()
    for item in definition.items():
        if isinstance(item, s.GroupItem):
            for row in range(rng.randint(max(item.min_repeat, 1), item.max_repeat)):
                for child in item.items:
                    data[qforms.row_field(item.id, row, child.id)] = _value(
                        child, definition, rng, day)
            continue
        value = _value(item, definition, rng, day)
        data.setlist(item.id, value if isinstance(value, list) else [value])
    form = qforms.build_form_class(definition)(formdata=data, meta={"csrf": False})
    assert qforms.validate_items(form, definition.items()), form.errors
    return qforms.collect_answers(definition, form)


def add_responses(app: Flask, survey_id: int, count: int, seed: int = 8) -> None:
    """`count` responses, every third from paper; for PSFS every baseline but the last has
    its follow-up. All of them released (the tests count them; the batches have their own
    tests in tests/test_anonymity_batches.py)."""
    rng = random.Random(seed)
    with app.test_request_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        definition = survey.questionnaire.definition
        for number in range(count):
            day = dt.date(2026, 2, 1) + dt.timedelta(days=number)
            key = secrets.token_urlsafe(18)
            source = ResponseSource.PAPER if number % 3 == 2 else ResponseSource.WEB
            submit_response(db, survey, None, key, rng.choice(["nb", "nn", "en"]),
                            _form_answers(definition, rng, day), day, source=source,
                            follow_up=follow_up_plan(survey, app.secret_key, day))
            release_waiting(app, survey_id, day)  # each released alone, on its own day
            if definition.follow_up is not None and number < count - 1:
                later = day + dt.timedelta(weeks=4)
                _follow_up(db, survey, definition, key, later)
                release_waiting(app, survey_id, later)


def _follow_up(db, survey: Survey, definition: s.Definition, key: str, day: dt.date) -> None:
    _code, row = baseline_code(db, current_app.secret_key, survey.id, key)
    group, _label, score = definition.follow_up_items()
    answers = [AnswerValue(f"{group.id}.{score.id}", a.position, 7.0, None)
               for a in baseline_activities(db, definition, row.baseline_id)]
    submit_follow_up(db, survey, row, secrets.token_urlsafe(18), "nb", answers, day)


def bundle_of(app: Flask, survey_id: int, free_text: bool = True, batch_size: int = 4) -> dict:
    from hl7fhir.questionnaire_export import fixed_texts

    with app.app_context():
        db = database.session()
        survey = db.get(Survey, survey_id)
        text = "".join(bundle_chunks(db, survey, BASE, free_text, fixed_texts(),
                                     hidden=frozenset(), batch_size=batch_size))
    return json.loads(text)


@pytest.mark.parametrize("slug", BUILTINS)
def test_a_sample_of_responses_exports_to_a_bundle_the_r4_models_parse(app, make_survey, slug):
    survey = make_survey(slug)
    add_responses(app, survey.id, 6)
    bundle = bundle_of(app, survey.id)
    Bundle.model_validate(bundle)
    definition = builtin_definitions()[slug]
    resources = [entry["resource"] for entry in bundle["entry"]]
    expected = 6 + (5 if definition.follow_up is not None else 0)
    assert (bundle["type"], len(resources)) == ("collection", expected)
    questionnaire = f"{BASE}/Questionnaire/{slug}|{definition.version}"
    for resource in resources:
        assert resource["resourceType"] == "QuestionnaireResponse"
        assert (resource["status"], resource["questionnaire"]) == ("completed", questionnaire)
        assert dt.date.fromisoformat(resource["authored"])  # a date, no time of day
        assert len(resource["authored"]) == 10
        assert not {"subject", "author", "source", "id", "identifier"} & set(resource)
        assert resource["language"] in ("nb", "nn", "en")
        questionnaire_links = items_by_link(export_for(app, definition))
        for link_id in _answer_links(resource):
            assert link_id in questionnaire_links


def export_for(app: Flask, definition: s.Definition) -> dict:
    with app.app_context():
        return questionnaire_resource(definition, BASE)


def _answer_links(resource: dict) -> list[str]:
    links = []

    def walk(items: list[dict]) -> None:
        for item in items:
            links.append(item["linkId"])
            walk(item.get("item", []))

    walk(resource.get("item", []))
    return links


def test_paper_responses_are_marked(app, make_survey):
    survey = make_survey("brukerundersokelse")
    add_responses(app, survey.id, 6)
    sources = [extension(e["resource"], t.RESPONSE_SOURCE)["valueCode"]
               for e in bundle_of(app, survey.id)["entry"]]
    assert sources == ["web", "web", "paper", "web", "web", "paper"]


def test_psfs_baseline_and_follow_up_share_the_pair_id_never_the_code(app, make_survey):
    survey = make_survey("psfs")
    add_responses(app, survey.id, 3)
    bundle = bundle_of(app, survey.id)
    pairs: dict[str, dict[str, dict]] = {}
    for entry in bundle["entry"]:
        pair = {p["url"]: next(v for k, v in p.items() if k.startswith("value"))
                for p in extension(entry["resource"], t.PAIR)["extension"]}
        pairs.setdefault(pair["id"], {})[pair["role"]] = entry["resource"]
    assert sorted(sorted(roles) for roles in pairs.values()) == [
        ["baseline"], ["baseline", "follow-up"], ["baseline", "follow-up"]]
    with app.app_context():
        stored = {str(p) for p in database.session().scalars(sa.text(
            "SELECT pair_id FROM responses WHERE pair_id IS NOT NULL"))}
    assert {p.replace("-", "") for p in pairs} == {p.replace("-", "") for p in stored}
    both = next(roles for roles in pairs.values() if len(roles) == 2)
    baseline_rows = [i for i in both["baseline"]["item"][0]["item"]]
    follow_rows = both["follow-up"]["item"][0]["item"]
    assert [extension(r, t.ROW)["valueInteger"] for r in follow_rows] == [
        extension(r, t.ROW)["valueInteger"] for r in baseline_rows]
    assert follow_rows[0]["item"] == [{"linkId": "activities.score",
                                       "answer": [{"valueInteger": 7}]}]
    text = json.dumps(bundle)
    for code in follow_up_codes(app, survey.id):
        assert code not in text and code.replace("-", "") not in text


def follow_up_codes(app: Flask, survey_id: int) -> list[str]:
    """The follow-up codes of a survey's baselines, derived again as the thank-you page does."""
    with app.app_context():
        db = database.session()
        keys = db.scalars(sa.select(Response.submission_key).filter_by(
            survey_id=survey_id, is_follow_up=False)).all()
        codes = [baseline_code(db, app.secret_key, survey_id, key)[0] for key in keys]
    assert len(codes) == len(keys) > 0
    return codes


def test_free_text_is_left_out_for_those_who_may_not_read_it(app, make_survey):
    survey = make_survey("psfs")
    add_responses(app, survey.id, 2)
    with_text = json.dumps(bundle_of(app, survey.id, free_text=True))
    without = bundle_of(app, survey.id, free_text=False)
    assert "activities.activity" in with_text
    assert "activities.activity" not in json.dumps(without)
    Bundle.model_validate(without)


def test_a_survey_without_responses_is_an_empty_collection(app, make_survey):
    survey = make_survey("samling")
    bundle = bundle_of(app, survey.id)
    assert bundle == {"resourceType": "Bundle", "type": "collection"}
    Bundle.model_validate(bundle)


# --- The pages --------------------------------------------------------------------------------

def test_unit_lead_downloads_her_survey_and_another_unit_lead_gets_404(
        app, client, make_survey, make_account):
    survey = make_survey("psfs")
    other = make_survey("psfs")
    add_responses(app, survey.id, 5)
    unit_lead, _network_lead = leads(app, make_account, survey.id)
    with app.app_context():
        other_unit = database.session().get(Survey, other.id).unit_id
    make_account("annen@b.no", units=(other_unit,))
    url = f"/admin/surveys/{survey.id}/responses.fhir.json"

    assert log_in(client, unit_lead).status_code == 303
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    bundle = json.loads(response.get_data(as_text=True))
    Bundle.model_validate(bundle)
    assert len(bundle["entry"]) == 5 + 4
    assert "activities.activity" in json.dumps(bundle)  # her own unit: free text included
    with app.app_context():
        actions = [a.action for a in database.session().scalars(sa.select(AuditEntry))]
    assert "responses.export" in actions

    stranger = app.test_client()
    assert log_in(stranger, "annen@b.no").status_code == 303
    assert stranger.get(url).status_code == 404
    # Her own survey is hers to download, once it has k released responses.
    assert stranger.get(f"/admin/surveys/{other.id}/responses.fhir.json").status_code == 409
    add_responses(app, other.id, 5)
    assert stranger.get(f"/admin/surveys/{other.id}/responses.fhir.json").status_code == 200


def test_network_lead_gets_the_bundle_without_free_text(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    add_responses(app, survey.id, 5)
    _unit_lead, network_lead = leads(app, make_account, survey.id)
    assert log_in(client, network_lead).status_code == 303
    response = client.get(f"/admin/surveys/{survey.id}/responses.fhir.json")
    assert response.status_code == 200
    assert "activities.activity" not in response.get_data(as_text=True)


def test_survey_page_links_the_bundle(app, client, make_survey, make_account):
    survey = make_survey("psfs")
    unit_lead, _ = leads(app, make_account, survey.id)
    client.set_cookie("lang", "en")
    log_in(client, unit_lead)
    page = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert "responses.fhir.json" not in page  # nothing released: no rows to download
    assert "can be downloaded once at least 5 of them are released" in page
    add_responses(app, survey.id, 5)
    page = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)
    assert f"/admin/surveys/{survey.id}/responses.fhir.json" in page


def test_questionnaire_downloads_as_fhir_json(app, client, make_account):
    make_account("leder@kommune.no")
    log_in(client, "leder@kommune.no")
    response = client.get("/admin/questionnaires/psfs/2.fhir.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert 'filename="psfs-2.fhir.json"' in response.headers["Content-Disposition"]
    resource = json.loads(response.get_data(as_text=True))
    Questionnaire.model_validate(resource)
    assert resource["url"] == "https://example.invalid/fhir/Questionnaire/psfs"
    assert client.get("/admin/questionnaires/psfs/99.fhir.json").status_code == 404
    app.config["FHIR_BASE_URL"] = "https://fhir.nordby.kommune.no/r4/"
    resource = json.loads(client.get("/admin/questionnaires/psfs/2.fhir.json").get_data())
    assert resource["url"] == "https://fhir.nordby.kommune.no/r4/Questionnaire/psfs"


def import_file(client, content: bytes, filename: str = "q.json"):
    token = csrf_of(client.get("/admin/questionnaires/import-fhir").get_data(as_text=True))
    return client.post("/admin/questionnaires/import-fhir", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)})


@pytest.fixture
def admin(client, make_account):
    make_account("admin@kommune.no", is_admin=True)
    client.set_cookie("lang", "en")
    assert log_in(client, "admin@kommune.no").status_code == 303
    return client


def test_admin_imports_a_questionnaire_downloaded_from_elsewhere(app, admin):
    document = json.loads(admin.get("/admin/questionnaires/psfs/2.fhir.json").get_data())
    document["url"] = "https://other.example/fhir/Questionnaire/psfs_nordby"
    response = import_file(admin, json.dumps(document).encode())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/questionnaires/psfs_nordby/2")
    with app.app_context():
        row = database.session().scalars(sa.select(QuestionnaireVersion).filter_by(
            slug="psfs_nordby")).one()
        assert row.origin == "fhir"
        assert row.definition.model_copy(update={"id": "psfs"}) == builtin_definitions()["psfs"]
        actions = [(a.action, a.target) for a in database.session().scalars(
            sa.select(AuditEntry))]
    assert ("questionnaire.import", "psfs_nordby version 2") in actions


def test_import_lists_the_problems_as_the_upload_does(app, admin, plain_app):
    document = export(plain_app, builtin_definitions()["brukerundersokelse"])
    document["url"] = f"{BASE}/Questionnaire/bruker_min"
    _set("who_answered", type="quantity")(document)
    response = import_file(admin, json.dumps(document).encode(), "bruker.json")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "bruker.json: item &#39;who_answered&#39;: type &#39;quantity&#39; is not supported" \
        in text
    with app.app_context():
        assert database.session().scalars(sa.select(QuestionnaireVersion).filter_by(
            slug="bruker_min")).first() is None


def test_import_of_a_builtin_id_is_refused(app, admin):
    document = admin.get("/admin/questionnaires/psfs/2.fhir.json").get_data()
    response = import_file(admin, document)
    assert response.status_code == 422
    assert "is the id of a built-in questionnaire" in response.get_data(as_text=True)


def test_import_wants_a_json_file(admin):
    response = import_file(admin, b"id: x", "q.yaml")
    assert response.status_code == 422
    assert "Choose a .json file." in response.get_data(as_text=True)
