"""Staff pages for a network's gathering evaluations: the classic table and its CSV.

Who may see it: administrators and the network's own leads (`access.get_visible` on the
network; anyone else gets 404). The participants' open answers can tell who wrote them, so
they are listed only for the network's leads (`access.may_read_free_text`), not for
administrators, and only for gatherings with at least SMALL_GROUP_MIN responses. A second
network is shown beside the first (`?compare=<id>`) only if the reader may see it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_babel import gettext as _

import database
from analytics import exports
from reporting.gathering_table import (
    CsvLabels,
    GatheringTable,
    csv_rows,
    evaluation_definition,
    network_surveys,
    open_answers,
    text_items,
)
from reporting.gatherings import table_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.downloads import Download, table_downloads
from staff.lookups import visible
from surveys import access, auth
from surveys.account_models import Account
from surveys.models import Network
from web.i18n import current_language

bp = StaffBlueprint("gatherings", __name__)


@dataclass(frozen=True)
class OpenAnswers:
    """Free text of one network for one reader: item texts, and per gathering item -> texts."""

    items: list[tuple[str, str]]  # (item id, question in the page's language)
    by_gathering: list[tuple[str, dict[str, list[str]]]]  # (gathering label, answers)


def open_answers_of(account: Account, network: Network,
                    table: GatheringTable | None) -> OpenAnswers | None:
    """The open answers this reader may read, or None when they may read none."""
    db = database.session()
    readable = [s.id for s in network_surveys(db, network.id)
                if access.may_read_free_text(account, s)]
    definition = evaluation_definition(db, network.id)
    if not readable or table is None or definition is None:
        return None
    items = text_items(definition)
    shown = {c.number: c.label for c in table.columns if not c.suppressed}
    found = open_answers(db, readable, [i.id for i in items])
    return OpenAnswers([(i.id, i.text.get(current_language())) for i in items],
                       [(label, found.get(number, {})) for number, label in shown.items()])


def _compared(account: Account, network: Network) -> Network | None:
    """The network asked for in `?compare=`, if the reader may see it (else 404)."""
    raw = request.args.get("compare", "")
    if raw == "":
        return None
    if not raw.isdigit():
        abort(404)
    other = access.get_visible(database.session(), account, Network, int(raw))
    return None if other.id == network.id else other


@bp.get("/networks/<int:network_id>/evaluations", allow=SIGNED_IN)
def network_evaluations(network_id: int):
    """The table of every gathering's evaluation, the open answers, and optionally a second
    network's table beside it."""
    account, db = auth.signed_in_account(), database.session()
    network = access.get_visible(db, account, Network, network_id)
    other = _compared(account, network)
    table = table_of(network, current_language())
    choices = [n for n in access.visible_networks(db, account) if n.id != network.id]
    return render_template(
        "admin/gatherings/evaluations.html", network=network, table=table,
        answers=open_answers_of(account, network, table), other=other,
        other_table=table_of(other, current_language()) if other is not None else None,
        choices=choices, minimum=current_rule().minimum)


@table_downloads(bp, "/networks/<int:network_id>/evaluations", "network_evaluations",
                 allow=SIGNED_IN, audited="evaluations.export")
def network_evaluations_download(fmt: str, network_id: int) -> Download:
    """The table of the page, through the same small-group rule."""
    network = visible(Network, network_id)
    table = table_of(network, current_language())
    if table is None:
        abort(404)
    labels = CsvLabels(section=_("Part"), item=_("Question"),
                       responses=_("Number of responses"), invited=_("Number invited"),
                       rate=_("Response rate in percent"),
                       suppressed=_("fewer than %(minimum)d", minimum=current_rule().minimum))
    header, rows = csv_rows(table, labels)
    return Download(f"network-{network.id}-evaluations",
                    [exports.Table("evaluations", header, rows)],
                    f"network {network.id} {network.name}")
