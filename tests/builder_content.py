"""A draft questionnaire for tests of the builder: two sections, a scale item in a category,
a choice, a repeating group with a text and a scale, and a free text. Its nynorsk title is
missing, so it is a draft that cannot be published until someone writes it."""

from __future__ import annotations

from typing import Any


def _t(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


def sample_content(slug: str) -> dict[str, Any]:
    """The content of a draft with id `slug` (ids: sections del_1, del_2; items s1, valg,
    g1 with c1 and c2, t2; scale skala; category kat)."""
    return {
        "id": slug, "version": 1, "title": {"nb": f"Skjema {slug}", "en": f"Form {slug}"},
        "source": _t("Laget for testene"),
        "scales": {"skala": {"min": 1, "max": 5, "good": "high",
                             "labels": {"1": _t("Lite"), "5": _t("Mye")}}},
        "categories": [{"id": "kat", "text": _t("Kategori")}],
        "sections": [
            {"id": "del_1", "title": _t("Del 1"), "items": [
                {"id": "s1", "type": "scale", "scale": "skala", "category": "kat",
                 "text": _t("Hvor fornøyd er du?")},
                {"id": "valg", "type": "single_choice", "text": _t("Valg"),
                 "options": [{"value": "ja", "text": _t("Ja")},
                             {"value": "nei", "text": _t("Nei")}]},
                {"id": "g1", "type": "group", "max_repeat": 3, "text": _t("Aktiviteter"),
                 "row_label": _t("Aktivitet"),
                 "items": [{"id": "c1", "type": "text", "text": _t("Hva")},
                           {"id": "c2", "type": "scale", "scale": "skala",
                            "text": _t("Hvor godt")}]},
            ]},
            {"id": "del_2", "items": [{"id": "t2", "type": "long_text", "text": _t("Noe mer?")}]},
        ],
    }


# The ids the builder's addresses take in `sample_content`, by parameter name.
SAMPLE_IDS = {"section_id": "del_1", "item_id": "s1", "group_id": "g1", "child_id": "c1",
              "scale_id": "skala", "category_id": "kat"}


def two_leads_one_draft(app, make_account, slug: str, lead: str, other: str) -> None:
    """Networks X and Y with a lead each (`lead`, `other`), and X's draft `slug`
    (`sample_content`): the world of a builder page's tests."""
    import database
    from questionnaires import drafts
    from surveys.models import Network
    from surveys.questionnaire_owners import QuestionnaireOwner

    with app.app_context():
        db = database.session()
        mine, theirs = Network(name="Nettverk X"), Network(name="Nettverk Y")
        db.add_all([mine, theirs])
        db.flush()
        drafts.start(db, sample_content(slug))
        db.add(QuestionnaireOwner(slug=slug, kind="network", network_id=mine.id))
        db.commit()
        networks = mine.id, theirs.id
    make_account(lead, networks=(networks[0],))
    make_account(other, networks=(networks[1],))
