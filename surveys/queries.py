"""Reads for surveys, links and responses.

Every read of responses or answers that staff (pages, downloads, the API) see goes through
`released`: a response is stored unreleased and released in a batch of at least k
(`surveys.batches`), and no staff read may count it before. `tests/test_architecture.py`
fails when a read layer module queries `Response` or `Answer` without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

import database
from analytics.small_groups import SmallGroups
from questionnaires import schema as s
from questionnaires.models import QuestionnaireVersion
from surveys import follow_up_codes, questionnaire_owners
from surveys.account_models import Account
from surveys.models import (
    Answer,
    Response,
    ResponseSource,
    SingleUseLink,
    Survey,
)

# Built once: every respondent request looks its survey up by token. The questionnaire
# version is not joined in: its definition comes from the app's cache of `Answering`s
# (`surveys.pages.answering_for`), and loading its JSON on every request cost more than the
# rest of the lookup (`bench/README.md`).
_SURVEY_BY_TOKEN = sa.select(Survey).where(Survey.public_token == sa.bindparam("token"))


def survey_by_token(db: Session, token: str) -> Survey | None:
    """The survey whose own (public) token this is, whatever its link mode."""
    return db.scalars(_SURVEY_BY_TOKEN, {"token": token}).first()


def released(response: Any = Response) -> sa.ColumnElement[bool]:
    """The condition that keeps a staff read to released responses (`surveys.batches`):
    put it in every query of `Response` (or an alias of it, passed in) that staff see, and
    reach answers through their released responses."""
    return response.released.is_(True)


_RESPONSES = cast(sa.Table, Response.__table__)
_SUBMISSION_EXISTS = sa.select(sa.exists().where(
    _RESPONSES.c.survey_id == sa.bindparam("survey_id"),
    _RESPONSES.c.submission_key == sa.bindparam("key")))


def submission_exists(db: Session, survey_id: int, submission_key: str) -> bool:
    """Whether this submission of the survey is stored (a post sent again). Core, on the
    session's connection (the answering flow's post asks in its link's statement instead,
    `surveys.link_lookups.find_posted_link`)."""
    return bool(db.connection().execute(
        _SUBMISSION_EXISTS, {"survey_id": survey_id, "key": submission_key}).scalar())


# --- Reads for the staff survey pages -------------------------------------------------------

def questionnaire_versions(db: Session, account: Account) -> list[QuestionnaireVersion]:
    """The stored questionnaire versions the account sees (`questionnaire_owners`: a survey
    may use no other), each questionnaire's newest version first."""
    hidden = questionnaire_owners.hidden_slugs(db, account)
    return [row for row in db.scalars(sa.select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.slug, QuestionnaireVersion.version.desc()))
        if row.slug not in hidden]


def next_surveys(db: Session, survey_id: int) -> list[Survey]:
    """The surveys made from this one for a later period («Ny periode»), oldest first."""
    return list(db.scalars(sa.select(Survey).where(Survey.previous_id == survey_id)
                           .order_by(Survey.id)))


def paper_response_count(db: Session, survey_id: int, *, waiting_too: bool = False) -> int:
    """How many released responses of a survey were typed in from paper forms; with
    `waiting_too`, also those still waiting to be released: the typist's count of the
    forms entered so far, which tells that forms were entered, never what they say."""
    which = [] if waiting_too else [released()]
    return db.scalar(sa.select(sa.func.count()).select_from(Response).where(
        Response.survey_id == survey_id, Response.source == ResponseSource.PAPER,
        Response.is_follow_up.is_(False), *which)) or 0


def link_counts(db: Session, survey_id: int) -> tuple[int, int]:
    """(issued, used) single-use links of a survey: the unused rows and the survey's count
    of used ones (a used link leaves no row)."""
    unused_links: sa.ScalarSelect[int] = (
        sa.select(sa.func.count()).select_from(SingleUseLink)
        .where(SingleUseLink.survey_id == survey_id).scalar_subquery())
    unused, used = db.execute(sa.select(unused_links, Survey.links_used)
                              .where(Survey.id == survey_id)).one()
    return (unused or 0) + (used or 0), used or 0


@dataclass(frozen=True)
class Column:
    """One item column of an export: its header and where its values are stored."""

    header: str
    key: str  # Answer.item: the item id, or 'group.child'
    position: int
    item: s.Item


def export_columns(definition: s.Definition, include_free_text: bool) -> list[Column]:
    """One column per item; a repeating group gives child_1, child_2 … per row."""
    columns = []
    for item in definition.items():
        if isinstance(item, s.GroupItem):
            columns += [Column(f"{child.id}_{row + 1}", f"{item.id}.{child.id}", row, child)
                        for row in range(item.max_repeat) for child in item.items]
        else:
            columns.append(Column(item.id, item.id, 0, item))
    return [c for c in columns if include_free_text or not is_free_text(c.item)]


def is_free_text(item: s.Item) -> bool:
    """Free text can name a person, so only the unit's own leads may read it."""
    return isinstance(item, s.TextItem | s.LongTextItem)


RESPONSE_COLUMNS = ("response", "date", "language", "source")
FOLLOW_UP_COLUMNS = ("phase", "pair_id", "early")
# Columns whose value a lead may know of one person (he answered in English; she filled in
# the paper form), and which are left empty in every row when they could point to them.
TELLING_COLUMNS = ("language", "source")


def hidden_columns(db: Session, survey_id: int, rule: SmallGroups) -> frozenset[str]:
    """The `TELLING_COLUMNS` a row-level download of the survey leaves empty: those where
    some value is held by 1 to k − 1 of its released responses (one person in English
    among twenty in bokmål), whose rows it would pick out. Emptied in every row, since an
    empty cell in only those rows would point to them just as well."""
    rows = db.execute(sa.select(Response.language, Response.source, sa.func.count())
                      .where(Response.survey_id == survey_id, released())
                      .group_by(Response.language, Response.source)).all()
    groups: dict[str, dict[str, int]] = {column: {} for column in TELLING_COLUMNS}
    for language, source, n in rows:
        for column, value in (("language", language), ("source", str(source))):
            groups[column][value] = groups[column].get(value, 0) + n
    return frozenset(column for column, counts in groups.items()
                     if any(rule.too_few(n) for n in counts.values()))


def language_counts(db: Session, survey_id: int, rule: SmallGroups) -> dict[str, int] | None:
    """How many of the survey's released responses (follow-ups not counted, as in its count
    of responses) were given in each language, so a unit sees who it reaches; None when some
    language has 1 to k − 1 of them: that count would point to those people, and with the
    total beside it no other count may be shown either."""
    counts: dict[str, int] = {language: n for language, n in db.execute(
        sa.select(Response.language, sa.func.count())
        .where(Response.survey_id == survey_id, Response.is_follow_up.is_(False), released())
        .group_by(Response.language))}
    if any(rule.too_few(n) for n in counts.values()):
        return None
    return dict(sorted(counts.items(), key=lambda pair: -pair[1]))


def leading_columns(definition: s.Definition) -> list[str]:
    """The columns before the items (stable keys; `reporting.raw_export` words them): a
    questionnaire with a follow-up adds each row's phase (baseline or follow_up), its pair
    id (`follow_up_codes.pair_label`, as in the pairs export) and, for a follow-up, whether
    it was typed in before the earliest day (yes/no)."""
    return [*RESPONSE_COLUMNS, *(FOLLOW_UP_COLUMNS if definition.follow_up else ())]


def response_table(db: Session, survey: Survey, include_free_text: bool, *,
                   hidden: frozenset[str], batch_size: int = 1000
                   ) -> tuple[list[str], Iterator[list[object]]]:
    """Every released response of a survey as one row: number, date, language, source,
    (for a questionnaire with a follow-up: phase, pair id, early), items. (The caller
    refuses the export below k released responses.) The columns in `hidden`
    (`hidden_columns`) are empty in every row.

    The date is the day the row's batch was released, which at least k rows share
    (`surveys.batches`): the day a person answered would point to them. Rows are numbered
    1..n by that day and then by the (random) response id, a stable order that says nothing
    about who answered first. The response id is not exported.

    The rows come lazily, `batch_size` responses at a time (keyset pages on (date, id), then
    those responses' answers), so a survey of 100,000 responses is never held in memory: the
    caller streams the rows out as they come. Nothing is read before the first row is asked
    for, and the header needs no query.
    """
    definition = survey.questionnaire.definition
    columns = export_columns(definition, include_free_text)
    header = [*leading_columns(definition), *(c.header for c in columns)]
    return header, _response_rows(db, survey.id, columns, batch_size,
                                  definition.follow_up is not None, hidden)


def _response_rows(db: Session, survey_id: int, columns: list[Column],
                   batch_size: int, paired: bool,
                   hidden: frozenset[str]) -> Iterator[list[object]]:
    """The rows, batch by batch. Responses and answers are matched on the id as the database
    writes it as text (CAST), which spares building a UUID object for each of the ~18 answer
    rows per response; the queries run without the ORM layer.

    The rows are read on a connection of their own, held by this generator: a streamed
    response outlives the request's session (closed when the view returns), and the `with`
    gives the connection back when the last row is read, when the download is broken off
    (the server closes the generator) or when the generator is dropped.
    """
    keys = [(c.key, c.position) for c in columns]
    with database.engine_of(db).connect() as connection:
        yield from _rows_on(connection, survey_id, keys, batch_size, paired, hidden)


def _rows_on(connection: sa.Connection, survey_id: int, keys: list[tuple[str, int]],
             batch_size: int, paired: bool, hidden: frozenset[str]) -> Iterator[list[object]]:
    """The rows read on `connection`, numbered from 1; with `paired`, each with its phase,
    pair id and early mark; the columns in `hidden` empty."""
    show_language, show_source = "language" not in hidden, "source" not in hidden
    number = 0
    for batch in _response_batches(connection, survey_id, batch_size):
        values: dict[str, dict[tuple[str, int], list[object]]] = {}
        answers = connection.execute(
            sa.select(sa.cast(Answer.response_id, sa.String), Answer.item, Answer.position,
                      Answer.value_num, Answer.value_text)
            .where(Answer.response_id.in_([r.id for r in batch]))
            .order_by(Answer.item, Answer.position, Answer.value_text, Answer.value_num)
        ).all()
        for response_key, item, position, value_num, text in answers:
            values.setdefault(response_key, {}).setdefault((item, position), []).append(
                text if text is not None else value_num)
        for r in batch:
            number += 1
            found = values.get(r.key, {})
            yield [number, r.released_on.isoformat(), r.language if show_language else None,
                   str(r.source) if show_source else None,
                   *(_pair_cells(r) if paired else ()),
                   *(_joined(found.get(key)) for key in keys)]


def _pair_cells(row: sa.Row) -> list[object]:
    """Phase, pair id and (for a follow-up only) the early mark of one response."""
    early = ("yes" if row.early else "no") if row.is_follow_up else ""
    return ["follow_up" if row.is_follow_up else "baseline",
            follow_up_codes.pair_label(row.pair_id), early]


def _response_batches(connection: sa.Connection, survey_id: int,
                      batch_size: int) -> Iterator[Sequence[sa.Row]]:
    """The survey's released responses in (release day, id) order, `batch_size` at a time."""
    query = (sa.select(Response.id, sa.cast(Response.id, sa.String).label("key"),
                       Response.released_on, Response.language, Response.source,
                       Response.is_follow_up, Response.pair_id, Response.early)
             .where(Response.survey_id == survey_id, released()))
    return response_pages(connection, query, batch_size)


def response_pages(connection: sa.Connection, query: sa.Select,
                   batch_size: int) -> Iterator[Sequence[sa.Row]]:
    """The rows of `query` (which selects `Response.id` and `Response.released_on` of
    released responses) in (release day, id) order, `batch_size` at a time; each page starts
    after the last (day, id) of the one before, so no OFFSET scan grows with the export
    (keyset paging)."""
    query = query.order_by(Response.released_on, Response.id).limit(batch_size)
    after: tuple[object, object] | None = None
    while True:
        page = query
        if after is not None:
            day, last_id = after
            page = query.where(sa.or_(
                Response.released_on > day,
                sa.and_(Response.released_on == day, Response.id > last_id)))
        batch = connection.execute(page).all()
        if not batch:
            return
        yield batch
        if len(batch) < batch_size:
            return
        after = (batch[-1].released_on, batch[-1].id)


def _joined(found: list[object] | None) -> object:
    """One value as itself; the choices of a multiple-choice item joined with ' | '."""
    if not found:
        return None
    return found[0] if len(found) == 1 else " | ".join(str(v) for v in found)
