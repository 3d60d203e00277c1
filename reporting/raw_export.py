"""The raw export of a survey's responses as a unit reads it in Excel: the leading columns'
headers in the reader's language, and a codebook that explains every column and code.

Why: the raw export is what a unit opens when the pages are not enough, and a file whose
headers are English keys and whose cells are codes cannot be read without a developer. The
rows themselves come from `surveys.queries.response_table`, unchanged: their values are
codes (web/paper, baseline/follow_up, an option's value, a scale's step), the same in every
language, as in the API and the FHIR export, so files downloaded in bokmål and nynorsk can be
put together and filtered with the same formulas; the codebook says what each code means.
Item columns keep the questionnaire's item ids (activity_1, score_1, …): they are what
identifies an item across versions and languages, and the codebook gives each its text.

The codebook is made of the questionnaire's own texts and nothing from the answers (no
count, no free text), so downloading it is not an export of answers and is not audited. It
lists exactly the export's columns for the same reader: without free text, without theirs.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy.orm import Session

from analytics.exports import Table
from questionnaires import schema as s
from questionnaires.item_types import DONT_KNOW
from reporting.rule import current_rule
from surveys.models import Survey
from surveys.queries import (
    Column,
    export_columns,
    hidden_columns,
    leading_columns,
    response_table,
)

CodebookRow = tuple[str, str, str, str]  # column, explanation, code, meaning


def column_header(key: str) -> str:
    """A leading column's header in the reader's language; an item's id as it is."""
    headers = {
        "response": pgettext("export column", "response"),
        "date": pgettext("export column", "date"),
        "language": pgettext("export column", "language"),
        "source": pgettext("export column", "source"),
        "phase": pgettext("export column", "phase"),
        "pair_id": pgettext("export column", "pair_id"),
        "early": pgettext("export column", "early"),
    }
    return headers.get(key, key)


def responses_table(db: Session, survey: Survey, include_free_text: bool) -> Table:
    """Every response as a row (streamed), headed in the reader's language; a language or
    source held by fewer than k rows empties its column (`surveys.queries.hidden_columns`)."""
    hidden = hidden_columns(db, survey.id, current_rule())
    keys, rows = response_table(db, survey, include_free_text, hidden=hidden)
    return Table(pgettext("export sheet", "responses"), [column_header(k) for k in keys], rows)


def codebook_table(survey: Survey, include_free_text: bool, lang: str) -> Table:
    """One row per column and code: the column, what it holds (on its first row), a code it
    may hold and what that code means. A general note comes first."""
    header = [pgettext("export column", "column"), pgettext("export column", "explanation"),
              pgettext("export column", "code"), pgettext("export column", "meaning")]
    definition = survey.questionnaire.definition
    rows: list[CodebookRow] = [("", _("Each row is one response. An empty cell: the question "
                                      "was not answered or not shown."), "", "")]
    for key in leading_columns(definition):
        rows += _explained(column_header(key), *_leading(key, survey))
    for column in export_columns(definition, include_free_text):
        rows += _explained(column.header, *_item(column, definition, lang))
    return Table(pgettext("export sheet", "codebook"), header,
                 [[cell or None for cell in row] for row in rows])  # empty, not ""


def _explained(column: str, explanation: str, codes: list[tuple[str, str]]
               ) -> Iterator[CodebookRow]:
    """A column's rows: the explanation on the first, the column's name on each (so a
    filter in Excel shows a column's codes together)."""
    if not codes:
        yield column, explanation, "", ""
    for number, (code, meaning) in enumerate(codes):
        yield column, explanation if number == 0 else "", code, meaning


def _leading(key: str, survey: Survey) -> tuple[str, list[tuple[str, str]]]:
    """The explanation and codes of a leading column."""
    if key == "response":
        return _("The response's number in this file: 1, 2, … by date, and on one date in a "
                 "random order, never the order the answers came in."), []
    if key == "date":
        return _("The day the response was released to the results, as YYYY-MM-DD. Responses "
                 "are released together, at least %(minimum)s at a time, so that no day points "
                 "to one person's answer.", minimum=current_rule().minimum), []
    if key == "language":
        return _("The language the form was answered in.") + " " + _few_note(), [
            ("nb", _("bokmål")), ("nn", _("nynorsk")), ("en", _("English"))]
    if key == "source":
        return _("How the response came in.") + " " + _few_note(), [
            ("web", _("answered online")), ("paper", _("typed in from a paper form"))]
    if key == "phase":
        return _("Whether the row is a user's first answer or their follow-up."), [
            ("baseline", _("First answer (baseline)")),
            ("follow_up", _("Follow-up: new scores for the same activities; the activities "
                            "themselves are on the first answer's row with the same pair id"))]
    if key == "pair_id":
        return _("A random id shared by a user's first answer and follow-up, the same as in "
                 "the download of the pairs; never the follow-up code."), []
    return _("Only for a follow-up: whether it was typed in from paper before the survey's "
             "earliest day (%(days)s days after the first answer). Early follow-ups are left "
             "out of the change unless a lead includes them.",
             days=survey.follow_up_earliest_days), [("yes", _("yes")), ("no", _("no"))]


def _few_note() -> str:
    """Why a language or source column may be empty (`surveys.queries.hidden_columns`)."""
    return _("Empty in every row when one of its codes is held by fewer than %(minimum)s "
             "responses, since so few could point to the people who gave them.",
             minimum=current_rule().minimum)


def _item(column: Column, definition: s.Definition, lang: str
          ) -> tuple[str, list[tuple[str, str]]]:
    """The explanation and codes of an item's column: its text (in a repeating group, led
    by the row's label and number) and what its values mean."""
    item, text = column.item, column.item.text.get(lang)
    group = _group_of(definition, column)
    if group is not None:
        text = f"{group.row_label.get(lang)} {column.position + 1}: {text}"
    if isinstance(item, s.ScaleItem):
        scale = definition.scale_of(item)
        codes = [(f"{scale.min}–{scale.max}", _scale_range(scale))]
        codes += [(str(step), label.get(lang)) for step, label in sorted(scale.labels.items())]
        if item.dont_know:
            codes.append((DONT_KNOW, _("Don't know / not relevant")))
        return text, codes
    if isinstance(item, s.SingleChoiceItem | s.MultipleChoiceItem):
        if isinstance(item, s.MultipleChoiceItem):
            text += " " + _("Several choices are joined with « | ».")
        return text, [(option.value, option.text.get(lang)) for option in item.options]
    if isinstance(item, s.ChecklistItem):
        return text, [("done", _("Done")), ("not_done", _("Not done")),
                      ("not_relevant", _("Not relevant"))]
    if isinstance(item, s.IntegerItem):
        return text, [("", _("A whole number from %(min)s to %(max)s.", min=item.min,
                             max=item.max))]
    if isinstance(item, s.DateItem):
        return text, [("", _("A date, YYYY-MM-DD."))]
    return text, [("", _("Free text."))]


def _scale_range(scale: s.Scale) -> str:
    if scale.good == "high":
        return _("A step of the scale from %(min)s to %(max)s; the higher, the better.",
                 min=scale.min, max=scale.max)
    return _("A step of the scale from %(min)s to %(max)s; the lower, the better.",
             min=scale.min, max=scale.max)


def _group_of(definition: s.Definition, column: Column) -> s.GroupItem | None:
    """The repeating group a column's item belongs to, if any (its key is 'group.child')."""
    if "." not in column.key:
        return None
    group = definition.item(column.key.split(".", 1)[0])
    return group if isinstance(group, s.GroupItem) else None
