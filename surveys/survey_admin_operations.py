"""Writes from the staff survey pages: create, edit, next period, archive, delete, follow-up
settings, close, reopen, more links
(or a fresh set), export, delete, and the follow-up plan of a paper baseline.

Each function records itself in the audit log and commits once, so the action and its
record are stored together or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from database import rowcount
from surveys import access, batches
from surveys.account_models import Account
from surveys.counts import response_count
from surveys.models import Layout, LinkMode, Phase, Response, SingleUseLink, Survey
from surveys.operations import (
    IssuedLinks,
    erase_responses,
    erase_surveys,
    issue_single_use_links,
)


@dataclass(frozen=True)
class SurveySettings:
    """What a member of staff chose for a new survey (already validated and in scope)."""

    title: str
    questionnaire_version_id: int
    unit_id: int | None
    gathering_id: int | None
    period_label: str | None
    phase: Phase | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    invited: int | None
    layout: Layout
    link_mode: LinkMode
    link_count: int | None
    follow_up_weeks: int = 4
    show_baseline_score: bool = False
    follow_up_earliest_days: int = 14
    previous_id: int | None = None  # made with «Ny periode» from this survey
    contact: str | None = None  # whom respondents may ask, shown on their pages


def describe(survey: Survey) -> str:
    """How a survey is named in the audit log."""
    return f"survey {survey.id}: {survey.title}"


def create_survey(db: Session, account: Account,
                  settings: SurveySettings) -> tuple[Survey, IssuedLinks | None]:
    """Store a new survey, with its single-use links when asked for, in one commit; the links'
    tokens come back to be shown once (None for a survey with one open link)."""
    survey = Survey(
        title=settings.title, questionnaire_version_id=settings.questionnaire_version_id,
        unit_id=settings.unit_id, gathering_id=settings.gathering_id,
        period_label=settings.period_label or None, phase=settings.phase,
        opens_on=settings.opens_on, closes_on=settings.closes_on, invited=settings.invited,
        layout=settings.layout, link_mode=settings.link_mode,
        follow_up_weeks=settings.follow_up_weeks,
        show_baseline_score=settings.show_baseline_score,
        follow_up_earliest_days=settings.follow_up_earliest_days,
        previous_id=settings.previous_id, contact=settings.contact,
    )
    db.add(survey)
    db.flush()
    access.audit(db, account, "survey.create", describe(survey))
    if settings.link_mode is LinkMode.SINGLE_USE:
        return survey, issue_single_use_links(db, survey, settings.link_count or 0)  # commits
    db.commit()
    return survey, None


@dataclass(frozen=True)
class SurveyDetails:
    """What may be changed in a survey after it is made (`edit_survey`)."""

    title: str
    period_label: str | None
    phase: Phase | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    invited: int | None
    contact: str | None = None


def edit_survey(db: Session, account: Account, survey: Survey, details: SurveyDetails) -> None:
    """Change a survey's details; the audit entry names each field that changed, with its
    old and new value. A survey closed by hand stays closed whatever its new dates say."""
    changed = []
    for name, value in dataclasses.asdict(details).items():
        old = getattr(survey, name)
        if old != value:
            changed.append(f"{name} {_audited(old)} → {_audited(value)}")
            setattr(survey, name, value)
    if not changed:
        return
    access.audit(db, account, "survey.edit", f"{describe(survey)}: {'; '.join(changed)}")
    db.commit()


def _audited(value: object) -> str:
    """A value as the audit entry shows it: dates as YYYY-MM-DD, nothing as «–»."""
    if value is None or value == "":
        return "–"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def next_period(db: Session, account: Account, previous: Survey, details: SurveyDetails,
                link_count: int | None) -> tuple[Survey, IssuedLinks | None]:
    """«Ny periode»: a survey for the next period, made from `previous`: its questionnaire
    version, unit, layout, kind of links and follow-up settings, with new `details`, new
    links (`link_count` single-use ones, for a survey that had them) and `previous_id`
    pointing back, so the comparison of the two is one click. Audited as a survey made."""
    return create_survey(db, account, SurveySettings(
        **dataclasses.asdict(details), questionnaire_version_id=previous.questionnaire_version_id,
        unit_id=previous.unit_id, gathering_id=previous.gathering_id, layout=previous.layout,
        link_mode=previous.link_mode, link_count=link_count,
        follow_up_weeks=previous.follow_up_weeks,
        show_baseline_score=previous.show_baseline_score,
        follow_up_earliest_days=previous.follow_up_earliest_days, previous_id=previous.id))


def set_survey_archived(db: Session, account: Account, survey: Survey, archived: bool) -> None:
    """Put a survey out of the survey list, or back."""
    survey.archived = archived
    access.audit(db, account, "survey.archive" if archived else "survey.unarchive",
                 describe(survey))
    db.commit()


def delete_survey(db: Session, account: Account, survey: Survey) -> None:
    """Delete a survey with everything stored for it (`operations.erase_surveys`); the audit
    entry keeps its title and how many responses went, waiting ones included (the audit
    log is read by administrators only)."""
    stored = db.scalar(sa.select(sa.func.count()).select_from(Response).where(
        Response.survey_id == survey.id)) or 0
    target = f"{describe(survey)}: {stored} responses"
    erase_surveys(db, [survey.id])
    access.audit(db, account, "survey.delete", target)
    db.commit()


def change_follow_up_settings(db: Session, account: Account, survey: Survey, weeks: int,
                              show_baseline_score: bool, earliest_days: int,
                              target: int | None) -> None:
    """Weeks to the suggested follow-up date, whether the follow-up form shows the first
    score, the earliest day of a follow-up after its baseline, and the unit's target share
    followed up (percent, or None). Codes already given keep the date they were given with;
    the earliest day counts from each baseline's date, so a change applies to every
    follow-up not yet given."""
    survey.follow_up_weeks = weeks
    survey.show_baseline_score = show_baseline_score
    survey.follow_up_earliest_days = earliest_days
    survey.follow_up_target = target
    shown = "shown" if show_baseline_score else "hidden"
    access.audit(db, account, "survey.follow_up_settings",
                 f"{describe(survey)}: {weeks} weeks, first score {shown}, "
                 f"earliest after {earliest_days} days, target {_audited(target)} %")
    db.commit()


def include_early_follow_ups(db: Session, account: Account, survey: Survey,
                             include: bool) -> None:
    """Whether the change counts the survey's early paper follow-ups (see
    `analytics.paired`); one choice for every reader of the survey."""
    survey.include_early_follow_ups = include
    access.audit(db, account, "survey.include_early",
                 f"{describe(survey)}: early follow-ups {'included' if include else 'left out'}")
    db.commit()


def mark_change(db: Session, account: Account, survey: Survey, on: dt.date | None,
                note: str | None) -> None:
    """Mark (or with `on` None, unmark) the day the unit introduced a change, which splits
    its checklist's run chart into before and after."""
    survey.change_on, survey.change_note = on, (note or None) if on else None
    access.audit(db, account, "survey.change",
                 f"{describe(survey)}: {on.isoformat() if on else 'removed'}")
    db.commit()


def add_links(db: Session, account: Account, survey: Survey, count: int,
              replace: bool = False) -> IssuedLinks:
    """More single-use links for a survey that uses them, their tokens to be shown once.

    With `replace`, the links of earlier sets not used yet are withdrawn in the same commit:
    their rows (digests) are deleted and counted as used (`Survey.links_used`), so they stop
    working (a lost or leaked list can be withdrawn) and answer as any used link does. Why
    count them as used: «issued N, used M» would otherwise give the links used so far
    exactly (N minus the fresh set) even when they are fewer than `minimum`; withdrawn,
    every earlier link counts as used, whoever answered.
    """
    replaced = 0
    if replace:
        replaced = rowcount(db.execute(sa.delete(SingleUseLink).where(
            SingleUseLink.survey_id == survey.id)))
        db.execute(sa.update(Survey).where(Survey.id == survey.id)
                   .values(links_used=Survey.links_used + replaced))
    # Not how many were withdrawn, nor whether any were: issued less withdrawn would be the
    # links used, exactly, whatever the page says of them.
    access.audit(db, account, "links.issue", f"{describe(survey)}: {count}"
                 + (", the unused withdrawn" if replace else ""))
    issued = issue_single_use_links(db, survey, count)  # commits
    return dataclasses.replace(issued, replaced=replace)


def close_survey(db: Session, account: Account, survey: Survey) -> None:
    """Close now: the links stop accepting answers (paper forms can still be entered)."""
    survey.is_closed = True
    access.audit(db, account, "survey.close", describe(survey))
    db.commit()


def reopen_survey(db: Session, account: Account, survey: Survey, today: dt.date) -> bool:
    """Open again; a closing date already passed is removed, else the survey stays closed.

    Returns whether the closing date was removed, so the page can say so.
    """
    survey.is_closed = False
    removed = survey.closes_on is not None and survey.closes_on < today
    if removed:
        survey.closes_on = None
    access.audit(db, account, "survey.reopen", describe(survey))
    db.commit()
    return removed


def record_export(db: Session, account: Account, survey: Survey) -> None:
    """Exports are logged too: they take answers out of the platform."""
    access.audit(db, account, "responses.export", describe(survey))
    db.commit()


def delete_responses(db: Session, account: Account, survey: Survey) -> int:
    """Delete every response of a survey, released or waiting (`operations.erase_responses`);
    returns how many responses went, waiting ones included (follow-ups are not responses,
    as in every count). Used single-use links stay used."""
    count, waiting = response_count(db, survey.id), batches.waiting_of(db, survey.id)
    erase_responses(db, survey.id)
    details = f"{describe(survey)}: {count}"
    if waiting.responses or waiting.follow_ups:
        details += f", and {waiting.responses + waiting.follow_ups} not yet released"
    access.audit(db, account, "responses.delete", details)
    db.commit()
    return count + waiting.responses
