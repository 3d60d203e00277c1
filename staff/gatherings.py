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
from reporting.gathering_figures import open_answers
from reporting.gathering_table import text_items
from reporting.gatherings import CsvLabels, Evaluations, csv_rows, evaluations_of, table_of
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


def open_answers_of(account: Account, evaluations: Evaluations) -> OpenAnswers | None:
    """The open answers this reader may read, or None when they may read none."""
    readable = [found.survey.id for found in evaluations.surveys
                if access.may_read_free_text(account, found.survey)]
    if not readable:
        return None
    items = text_items(evaluations.definitions)
    shown = {c.number: c.label for c in evaluations.table.columns if not c.suppressed}
    found = open_answers(database.session(), readable, [i.id for i in items])
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
    evaluations = evaluations_of(network, current_language())
    choices = [n for n in access.visible_networks(db, account) if n.id != network.id]
    return render_template(
        "admin/gatherings/evaluations.html", network=network, evaluations=evaluations,
        answers=open_answers_of(account, evaluations), other=other,
        other_evaluations=(evaluations_of(other, current_language())
                           if other is not None else None),
        choices=choices, minimum=current_rule().minimum)


@table_downloads(bp, "/networks/<int:network_id>/evaluations", "network_evaluations",
                 allow=SIGNED_IN, audited="evaluations.export")
def network_evaluations_download(fmt: str, network_id: int) -> Download:
    """The table of the page, through the same small-group rule."""
    network = visible(Network, network_id)
    table = table_of(network, current_language())
    labels = CsvLabels(section=_("Part"), item=_("Question"), figure=_("Figure"),
                       mean=_("Mean"), n=_("n"), low=_("Lower limit, 95 percent interval"),
                       high=_("Upper limit, 95 percent interval"),
                       responses=_("Number of responses"), invited=_("Number invited"),
                       rate=_("Response rate in percent"),
                       suppressed=_("fewer than %(minimum)d", minimum=current_rule().minimum),
                       hidden=_("not shown"), not_asked=_("not asked"))
    header, rows = csv_rows(table, labels)
    return Download(f"network-{network.id}-evaluations",
                    [exports.Table("evaluations", header, rows)],
                    f"network {network.id} {network.name}")
