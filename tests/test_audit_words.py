"""The audit log says what was done in the reader's language (issue 17): every action the
code writes has words, never a code such as «survey.create»."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from surveys.org_queries import SUBJECT_LABELS, action_label

ROOT = Path(__file__).resolve().parent.parent
# A string like "survey.create" on a line that audits, names an audited download, or picks
# an action; and the structures whose actions are made from their kind (`kind_of`).
WRITES = re.compile(r"audit\(|audited=|action = ")
CODE = re.compile(r'"([a-z_]+\.[a-z_]+)"')
KIND_VERBS = ("rename", "archive", "unarchive", "delete")
KINDS = ("network", "organisation", "unit", "gathering")


def written_actions() -> set[str]:
    found = set()
    for folder in ("surveys", "staff", "api", "web"):
        for path in (ROOT / folder).glob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if WRITES.search(line):
                    found |= set(CODE.findall(line))
    return found | {f"{kind}.{verb}" for kind in KINDS for verb in KIND_VERBS}


def test_the_code_writes_the_actions_this_test_knows():
    actions = written_actions()
    assert {"survey.create", "responses.export", "unit.delete", "account.deactivate",
            "questionnaire.upload", "evaluations.export"} <= actions
    assert set(SUBJECT_LABELS) <= {a.split(".")[0] for a in actions}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_action_is_said_in_words(app, lang):
    with app.test_request_context(), force_locale(lang):
        labels = {action: action_label(action) for action in sorted(written_actions())}
    coded = [action for action, label in labels.items() if label == action or "." in label
             or "_" in label]
    assert not coded, f"no words for {coded}"
    if lang == "nb":
        assert labels["survey.create"] == "Laget en undersøkelse"
        assert labels["unit.delete"] == "Slettet: enhet"
