"""Demo data: a network with two municipalities, a hospital, units, four gatherings, one
survey of every built-in questionnaire with generated answers, and a questionnaire owned by
the network and one by a municipality (`demo_questionnaires`). Most PSFS baselines have a
follow-up four to five weeks later, mostly with better scores, so the change page has pairs.

Answers are generated as form posts and go through the same form builder and validation as
real answers, so the demo cannot hold data the app would refuse.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from questionnaires import forms as qforms
from questionnaires import schema as s
from questionnaires.item_types import AnswerValue
from questionnaires.queries import latest_version
from surveys.account_models import Account
from surveys.auth import hash_password
from surveys.demo_questionnaires import add_owned_questionnaires
from surveys.follow_up_queries import baseline_activities, baseline_code
from surveys.models import (
    Gathering,
    Layout,
    Network,
    Organisation,
    OrganisationKind,
    Survey,
    Unit,
)
from surveys.operations import follow_up_plan, submit_follow_up, submit_response
from util.dates import today
from util.secret import app_secret

DEMO_NETWORK = "Læringsnettverk Sør (demo)"
RESPONSES_PER_SURVEY = 30
CHECKLIST_PATHWAYS = 48
CHECKLIST_DAYS = 280
FOLLOW_UP_SHARE = 0.7  # the source documents: about half the units got as far as follow-up
ACTIVITIES = ["Komme meg hjem", "Gå tur med hunden", "Handle selv", "Lage middag",
              "Gå i trappen", "Dusje selv", "Møte venner", "Bli sterkere i høyre fot"]

# (questionnaire id, unit or gathering, layout)
DEMO_SURVEYS = [
    ("psfs", "Hjemmesykepleien Nordby", Layout.ONE_PAGE),
    ("brukerundersokelse", "Hjemmesykepleien Nordby", Layout.PAGE_PER_SECTION),
    ("parorende", "Korttidsavdelingen Nordby", Layout.ONE_PAGE),
    ("samling", "gathering:1", Layout.PAGE_PER_SECTION),
    ("sjekkliste", "Hjemmetjenesten Sørvik", Layout.ONE_PAGE),
    ("samhandling", "Psykisk helse og rus Sørvik", Layout.ONE_PAGE),
    ("oppfolging", "Medisinsk avdeling", Layout.ONE_PAGE),
]


DEMO_PASSWORD = "demo-passord-2026"
DEMO_ACCOUNTS = [  # (e-mail, name, role)
    ("admin@demo.no", "Ada Administrator", "admin"),
    ("nettverk@demo.no", "Nina Nettverksleder", "network"),
    ("organisasjon@demo.no", "Ola Organisasjon", "organisation"),
    ("enhet@demo.no", "Ulla Enhetsleder", "unit"),
]


def seed_demo(db: Session) -> list[tuple[str, str]]:
    """Create the demo once; return (questionnaire id, public token) for each demo survey."""
    network = db.scalars(sa.select(Network).filter_by(name=DEMO_NETWORK)).first()
    if network is None:
        network = _create_demo(db)
        _create_accounts(db, network)
        db.commit()
    surveys = db.scalars(
        sa.select(Survey).where(Survey.title.like("Demo: %")).order_by(Survey.id)
    ).all()
    return [(survey.questionnaire.slug, survey.public_token) for survey in surveys]


def _create_demo(db: Session) -> Network:
    rng = random.Random(2026)
    network = Network(name=DEMO_NETWORK)
    db.add(network)
    places = ["Kristiansand", "Arendal", "Grimstad", "Mandal"]
    gatherings = [
        Gathering(network=network, number=n, held_on=dt.date(2026, 3 * n, 10),
                  place=places[n - 1])
        for n in range(1, 5)
    ]
    units = {}
    for name, kind, unit_names in [
        ("Nordby kommune", OrganisationKind.MUNICIPALITY,
         ["Hjemmesykepleien Nordby", "Korttidsavdelingen Nordby"]),
        ("Sørvik kommune", OrganisationKind.MUNICIPALITY,
         ["Hjemmetjenesten Sørvik", "Psykisk helse og rus Sørvik"]),
        ("Sørlandet sykehus (demo)", OrganisationKind.HOSPITAL, ["Medisinsk avdeling"]),
    ]:
        organisation = Organisation(network=network, name=name, kind=kind)
        for unit_name in unit_names:
            units[unit_name] = Unit(organisation=organisation, name=unit_name)
    db.add_all(gatherings + list(units.values()))
    db.commit()  # each response below is stored in a transaction of its own
    add_owned_questionnaires(db, network, units["Hjemmesykepleien Nordby"].organisation)
    for slug, target, layout in DEMO_SURVEYS:
        version = latest_version(db, slug)
        if version is None:
            raise RuntimeError(f"load the built-in questionnaires first: no '{slug}' is stored")
        survey = Survey(
            title=f"Demo: {version.definition.title.nb}", questionnaire=version, layout=layout,
            period_label="2026", phase="baseline", invited=RESPONSES_PER_SURVEY * 2,
            opens_on=dt.date(2026, 1, 1),
        )
        if target.startswith("gathering:"):
            survey.gathering = gatherings[int(target.split(":")[1]) - 1]
        else:
            survey.unit = units[target]
        db.add(survey)
        db.commit()
        if version.definition.pathway is not None:
            _checklist_series(db, survey, version.definition, version.definition.pathway, rng)
            continue
        for _ in range(RESPONSES_PER_SURVEY):
            _answer(db, survey, version.definition, rng)
    return network


def _checklist_series(db: Session, survey: Survey, definition: s.Definition,
                      pathway: s.Pathway, rng: random.Random) -> None:
    """A unit's checklist over the last ten months with a real improvement: from the marked
    change on (the checklist gone through at the morning meeting), steps are done far more
    often, so the run chart shows a shift above the median from before the change."""
    last = today() - dt.timedelta(days=30)
    first = last - dt.timedelta(days=CHECKLIST_DAYS)
    change = first + dt.timedelta(days=CHECKLIST_DAYS // 2)
    starts = sorted(first + dt.timedelta(days=rng.randint(0, CHECKLIST_DAYS))
                    for _ in range(CHECKLIST_PATHWAYS))
    for number, start in enumerate(starts, start=1):
        done_share = 0.9 if start >= change else 0.6
        data = MultiDict({pathway.start: start.isoformat(),
                          pathway.label: f"{start.year}-{number:03d}"})
        for step in definition.checklist_items():
            mark = rng.random()
            data[step.id] = ("not_relevant" if mark < 0.08 else
                             "done" if rng.random() < done_share else "not_done")
        _submit(db, survey, definition, data, "nb", min(start + dt.timedelta(days=28), today()))
    survey.change_on = change
    survey.change_note = "Sjekklisten gjennomgås på morgenmøtet"
    db.commit()


def _create_accounts(db: Session, network: Network) -> None:
    """Demo logins: an administrator, the network's lead, the administrator of the first
    organisation, and the lead of its first unit."""
    first = network.memberships[0].organisation
    first_unit = first.units[0]
    for email, name, role in DEMO_ACCOUNTS:
        account = Account(email=email, name=name, password_hash=hash_password(DEMO_PASSWORD),
                          is_admin=role == "admin")
        account.networks = [network] if role == "network" else []
        account.units = [first_unit] if role == "unit" else []
        account.organisations = [first] if role == "organisation" else []
        db.add(account)


def _answer(db: Session, survey: Survey, definition: s.Definition, rng: random.Random) -> None:
    """Submit one generated response through the form builder."""
    data: MultiDict[str, str] = MultiDict()
    for item in definition.items():
        if isinstance(item, s.GroupItem):
            for row in range(rng.randint(max(item.min_repeat, 1), item.max_repeat)):
                for child in item.items:
                    data[qforms.row_field(item.id, row, child.id)] = _row_value(
                        child, definition, rng)
        elif item.show_if is None or rng.random() < 0.5:
            value = _value(item, definition, rng)
            if isinstance(value, list):
                data.setlist(item.id, value)
            elif value is not None:
                data[item.id] = value
    lang = rng.choice(["nb"] * 8 + ["nn", "en"])
    day = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 60))
    key = _submit(db, survey, definition, data, lang, day)
    if key is not None and definition.follow_up is not None and rng.random() < FOLLOW_UP_SHARE:
        _follow_up(db, survey, definition, key, rng, day + dt.timedelta(days=rng.randint(28, 35)))


def _submit(db: Session, survey: Survey, definition: s.Definition, data: MultiDict, lang: str,
            day: dt.date) -> str | None:
    """Validate generated form data like a real post and store it; its submission key, or
    None when a condition made the generated answer unwanted (then nothing is stored)."""
    form = qforms.build_form_class(definition)(formdata=data, meta={"csrf": False})
    if not qforms.validate_items(form, definition.items()):
        return None
    answers = qforms.collect_answers(definition, form)
    key, plan = secrets.token_urlsafe(18), follow_up_plan(survey, app_secret(), day)
    submit_response(db, survey, None, key, lang, answers, day, follow_up=plan)
    return key


def _follow_up(db: Session, survey: Survey, definition: s.Definition, baseline_key: str,
               rng: random.Random, day: dt.date) -> None:
    """The follow-up of one generated baseline: the same activities, scored again."""
    found = baseline_code(db, app_secret(), survey.id, baseline_key)
    if found is None:
        return
    _code, row = found
    group, _label, score = definition.follow_up_items()
    key = f"{group.id}.{score.id}"
    answers = [AnswerValue(key, activity.position, float(min(10, max(0, (
        activity.score or 0) + rng.choice([-1, 0, 1, 2, 2, 3, 3, 4, 5])))), None)
        for activity in baseline_activities(db, definition, row.baseline_id)]
    submit_follow_up(db, survey, row, secrets.token_urlsafe(18), "nb", answers, day)


def _row_value(item: s.Item, definition: s.Definition, rng: random.Random):
    """A value in a repeating group: PSFS activities start low, so they can improve."""
    if isinstance(item, s.ScaleItem):
        scale = definition.scale_of(item)
        return str(rng.randint(scale.min + 1, (scale.min + scale.max) // 2 + 1))
    return _value(item, definition, rng)


def _value(item: s.Item, definition: s.Definition, rng: random.Random):
    if isinstance(item, s.ScaleItem):
        scale = definition.scale_of(item)
        best = scale.best
        step = best - rng.choice([0, 0, 1, 1, 1, 2, 3]) * (1 if scale.good == "high" else -1)
        return str(min(max(step, scale.min), scale.max))
    if isinstance(item, s.SingleChoiceItem):
        return rng.choice(item.options).value
    if isinstance(item, s.MultipleChoiceItem):
        return [o.value for o in rng.sample(item.options, rng.randint(1, 2))]
    if isinstance(item, s.ChecklistItem):
        return rng.choice(["done", "done", "done", "not_done", "not_relevant"])
    if isinstance(item, s.IntegerItem):
        return str(rng.randint(item.min, min(item.max, item.min + 10)))
    if isinstance(item, s.TextItem):
        return rng.choice(ACTIVITIES)
    return None if rng.random() < 0.7 else "Takk for god hjelp."
