"""The form builder on definitions alone: validation and the answer rows it produces."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from questionnaires import forms as qforms
from questionnaires.item_types import AnswerValue
from questionnaires.loader import builtin_definitions


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def build(slug: str, data: dict | MultiDict):
    definition = builtin_definitions()[slug]
    form = qforms.build_form_class(definition)(formdata=MultiDict(data),
                                                      meta={"csrf": False})
    return definition, form


def test_psfs_rows_become_positioned_answers(ctx):
    definition, form = build("psfs", {
        "activities-0-activity": "Komme meg hjem", "activities-0-score": "5",
        "activities-2-activity": "  Gå i trappen ", "activities-2-score": "3",
    })
    assert qforms.validate_items(form, definition.items())
    assert qforms.collect_answers(definition, form) == [
        AnswerValue("activities.activity", 0, None, "Komme meg hjem"),
        AnswerValue("activities.score", 0, 5.0, None),
        AnswerValue("activities.activity", 1, None, "Gå i trappen"),
        AnswerValue("activities.score", 1, 3.0, None),
    ]


@pytest.mark.parametrize("data", [
    {},  # no activity at all
    {"activities-0-activity": "Gå", "activities-0-score": "11"},
    {"activities-0-activity": "Gå", "activities-0-score": "-1"},
    {"activities-0-activity": "Gå"},  # a started row without its score
    {"activities-0-score": "4"},  # a score without its activity
    {"activities-0-activity": "x" * 201, "activities-0-score": "4"},
])
def test_psfs_refuses_incomplete_or_out_of_range(ctx, data):
    definition, form = build("psfs", data)
    assert not qforms.validate_items(form, definition.items())


def test_null_bytes_and_control_characters_are_removed(ctx):
    definition, form = build("psfs", {"activities-0-activity": "Gå\x00 tur\x07",
                                      "activities-0-score": "4"})
    assert qforms.validate_items(form, definition.items())
    assert qforms.collect_answers(definition, form)[0].value_text == "Gå tur"


def test_unknown_field_is_refused():
    definition = builtin_definitions()["psfs"]
    with pytest.raises(qforms.UnknownFieldError):
        qforms.check_known_fields(definition, ["activities-0-activity", "evil"], "nb")
    with pytest.raises(qforms.UnknownFieldError):
        qforms.check_known_fields(definition, ["activities-5-activity"], "nb")
    qforms.check_known_fields(definition, ["activities-4-score", "csrf_token", "nav"], "nb")


def _valid_post(definition) -> MultiDict:
    """The smallest post that answers every required, unconditional item."""
    from questionnaires import schema as s

    data = MultiDict()
    for item in definition.items():
        if not item.required or item.show_if is not None:
            continue
        if isinstance(item, s.GroupItem):
            for child in item.items:
                data[qforms.row_field(item.id, 0, child.id)] = _value(child, definition)
        else:
            value = _value(item, definition)
            data.setlist(item.id, value if isinstance(value, list) else [value])
    return data


def _value(item, definition):
    from questionnaires import schema as s

    if isinstance(item, s.ScaleItem):
        return str(definition.scale_of(item).min)
    if isinstance(item, s.SingleChoiceItem):
        return item.options[0].value
    if isinstance(item, s.MultipleChoiceItem):
        return [item.options[0].value]
    if isinstance(item, s.ChecklistItem):
        return "done"
    if isinstance(item, s.IntegerItem):
        return str(item.min)
    if isinstance(item, s.DateItem):
        return "01.02.2025"
    return "Svar"


@pytest.mark.parametrize("slug", sorted(builtin_definitions()))
def test_every_builtin_accepts_a_complete_answer_and_refuses_an_empty_one(ctx, slug):
    definition = builtin_definitions()[slug]
    form = qforms.build_form_class(definition)(formdata=_valid_post(definition),
                                                      meta={"csrf": False})
    assert qforms.validate_items(form, definition.items()), {
        f.name: f.errors for f in form if f.errors}
    required = [i for i in definition.items() if i.required and i.show_if is None]
    assert bool(qforms.collect_answers(definition, form)) == bool(required)
    empty = qforms.build_form_class(definition)(formdata=MultiDict({"x": "1"}),
                                                       meta={"csrf": False})
    # Online, an empty answer passes only where the definition requires nothing (the
    # gathering evaluation, where every question may be skipped); on paper never.
    assert qforms.validate_items(empty, definition.items()) == (not required)
    assert not qforms.validate_paper(empty, definition)
    assert empty[qforms.field_names(definition.items())[0]].errors


def test_condition_hides_and_discards_answer(ctx):
    definition, form = build("brukerundersokelse", {})
    conditional = [i for i in definition.items() if i.show_if is not None][0]
    target = definition.item(conditional.show_if.item)
    other = next(o.value for o in target.options if o.value != conditional.show_if.equals)
    data = _valid_post(definition)
    data[target.id] = other
    data[conditional.id] = conditional.options[0].value
    form = qforms.build_form_class(definition)(formdata=data, meta={"csrf": False})
    assert qforms.validate_items(form, definition.items())
    assert conditional.id not in {a.item for a in qforms.collect_answers(definition, form)}
    data[target.id] = str(conditional.show_if.equals)
    form = qforms.build_form_class(definition)(formdata=data, meta={"csrf": False})
    assert qforms.validate_items(form, definition.items())
    assert conditional.id in {a.item for a in qforms.collect_answers(definition, form)}
