"""Helpers the answering templates use to show items in the respondent's language."""

from __future__ import annotations

from flask_babel import gettext as _

from questionnaires import schema as s
from questionnaires.forms import is_shown, row_field
from questionnaires.item_types import date_bounds, parse_date


def choice_options(item: s.SingleChoiceItem, lang: str) -> list[tuple[str, str]]:
    return [(o.value, o.text.get(lang)) for o in item.options]


def checklist_options() -> list[tuple[str, str]]:
    return [("done", _("Done")), ("not_done", _("Not done")), ("not_relevant", _("Not relevant"))]


def answer_text(item: s.Item, value: str, definition: s.Definition, lang: str) -> str:
    """How a stored value of `item` reads to the respondent."""
    if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        return next((o.text.get(lang) for o in item.options if o.value == value), value)
    if isinstance(item, s.ChecklistItem):
        return dict(checklist_options()).get(value, value)
    return value


def scale_label_row(scale: s.Scale) -> list[tuple[int, int | None, str]]:
    """A scale's labels as a row under its steps, one column per step: (columns, step,
    alignment) from the first column to the last. A labelled step's text takes the columns
    nearer to it than to the next labelled step: flush with the scale's ends, centred on a
    step inside it; columns that would pull a centred text aside are left empty (step None).
    So «Verken enig eller uenig» of 1–7 sits under 3–5, centred on 4."""
    steps, labelled = scale.steps, sorted(scale.labels)
    places = [steps.index(step) for step in labelled]
    row: list[tuple[int, int | None, str]] = []
    for k, (step, at) in enumerate(zip(labelled, places, strict=True)):
        first = 0 if k == 0 else (places[k - 1] + at) // 2 + 1
        last = len(steps) - 1 if k == len(places) - 1 else -((-at - places[k + 1]) // 2) - 1
        if k == 0 and at == 0:
            align = "start"
        elif k == len(places) - 1 and at == len(steps) - 1:
            align = "end"
        else:
            align = "center"
            reach = min(at - first, last - at)
            first, last = at - reach, at + reach
        filled = sum(columns for columns, _step, _align in row)
        if first > filled:
            row.append((first - filled, None, ""))
        row.append((last - first + 1, step, align))
    filled = sum(columns for columns, _step, _align in row)
    if filled < len(steps):
        row.append((len(steps) - filled, None, ""))
    return row


def date_value(data: str | None) -> str:
    """A date field's value as a date input wants it (ISO), or as typed when it is not a
    date, so the reader sees what to correct."""
    date = parse_date(data or "")
    return date.isoformat() if date is not None else (data or "")


def condition_note(item: s.Item, definition: s.Definition, lang: str) -> str | None:
    """'Answer only if you answered «X» to «Q»', for readers without JavaScript."""
    if item.show_if is None:
        return None
    target = definition.item(item.show_if.item)
    return _("Answer this only if you answered «%(answer)s» to «%(question)s».",
             answer=answer_text(target, str(item.show_if.equals), definition, lang),
             question=target.text.get(lang))


def visible_items(page_items: list[s.Item], form, on_page: set[str]) -> list[s.Item]:
    """Items to show: a condition on another page is decided now; one on this page is
    left to the reader (and to the script that hides it when JavaScript runs)."""
    return [
        item for item in page_items
        if item.show_if is None or item.show_if.item in on_page or is_shown(item, form)
    ]


TEMPLATE_HELPERS = {
    "choice_options": choice_options,
    "checklist_options": checklist_options,
    "condition_note": condition_note,
    "date_bounds": date_bounds,
    "date_value": date_value,
    "row_field": row_field,
    "scale_label_row": scale_label_row,
}


def _first_control(name: str, item: s.Item, definition: s.Definition) -> str:
    """The id of the control an error-summary link should move focus to."""
    if isinstance(item, s.ScaleItem):
        return f"f-{name}-{definition.scale_of(item).min}"
    if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        return f"f-{name}-{item.options[0].value}"
    if isinstance(item, s.ChecklistItem):
        return f"f-{name}-done"
    return f"f-{name}"


def error_entries(definition: s.Definition, items: list[s.Item], form,
                  lang: str) -> list[tuple[str, str, str]]:
    """(control id, question, message) for each field with an error, in page order."""
    entries = []
    for item in items:
        slots: list[tuple[str, s.Item, str]]
        if isinstance(item, s.GroupItem):
            slots = [(row_field(item.id, r, c.id), c, f"{item.row_label.get(lang)} {r + 1}: ")
                     for r in range(item.max_repeat) for c in item.items]
        else:
            slots = [(item.id, item, "")]
        for name, slot_item, prefix in slots:
            if form[name].errors:
                entries.append((_first_control(name, slot_item, definition),
                                prefix + slot_item.text.get(lang), str(form[name].errors[0])))
    return entries
