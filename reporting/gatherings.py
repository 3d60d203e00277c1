"""A network's gathering evaluations as its page, its downloads and the API read them: the
classic table (`reporting.gathering_table`, which applies the small-group rule), in the
reader's language."""

from __future__ import annotations

import database
from reporting.gathering_table import (
    GatheringTable,
    build_table,
    evaluation_definition,
    gathering_figures,
    scale_items,
)
from reporting.rule import current_rule
from surveys.labels import gathering_label
from surveys.models import Network


def table_of(network: Network, lang: str) -> GatheringTable | None:
    """The network's table in `lang`; None when no evaluation questionnaire exists."""
    db = database.session()
    definition = evaluation_definition(db, network.id)
    if definition is None:
        return None
    rule = current_rule()
    figures = gathering_figures(db, network.id, [i.id for i in scale_items(definition)], rule)
    return build_table(definition, lang, figures, rule, gathering_label)
