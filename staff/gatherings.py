"""Staff pages for a network's gathering evaluations: the classic table and its CSV.

Who may see it: administrators and the network's own leads (`access.get_visible` on the
network; anyone else gets 404). The participants' open answers can tell who wrote them, so
they are listed only for the network's leads (`access.may_read_free_text`), not for
administrators, and only for gatherings with at least SMALL_GROUP_MIN responses. A second
network is shown beside the first (`?compare=<id>`) only if the reader may see it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

import database
from analytics import exports
from reporting.briefing import briefing_of
from reporting.gathering_figures import open_answers, read_as_evaluation
from reporting.gathering_table import text_items
from reporting.gatherings import CsvLabels, Evaluations, csv_rows, evaluations_of, table_of
from reporting.rule import current_rule
from staff.blueprint import SIGNED_IN, StaffBlueprint
from staff.downloads import Download, table_downloads
from staff.lookups import visible
from staff.org_forms import NetworkSetupForm
from surveys import access, auth, network_setup, org_queries
from surveys.account_models import Account
from surveys.labels import ERFARINGSSAMLING, gathering_label, version_title
from surveys.models import Gathering, Network
from surveys.queries import questionnaire_versions
from util.dates import today
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


@bp.route("/networks/<int:network_id>/setup", methods=["GET", "POST"], allow=SIGNED_IN)
def network_setup_page(network_id: int):
    """The network's year in one go: gatherings 1–4 and the erfaringssamling with their
    dates, places and invited counts, and an evaluation survey for each that has none."""
    account, db = auth.signed_in_account(), database.session()
    network = visible(Network, network_id)
    if not org_queries.may_manage(account, network):
        abort(403)
    lang = current_language()
    evaluations = [v for v in questionnaire_versions(db, account)
                   if read_as_evaluation(v.definition)]
    versions = [(v.id, _("%(title)s, version %(version)d", title=version_title(v, lang),
                         version=v.version)) for v in evaluations]
    existing = {g.number: g for g in network.gatherings}
    # the newest built-in «samling» first, else the first evaluation questionnaire
    preferred = sorted(evaluations, key=lambda v: v.slug != "samling")
    form = NetworkSetupForm(versions=versions, data={
        "questionnaire": str(preferred[0].id) if preferred else "",
        "gatherings": [{"held_on": g.held_on, "place": g.place} if (g := existing.get(n))
                       else {} for n in range(1, ERFARINGSSAMLING + 1)]})
    if form.validate_on_submit():
        plans = [network_setup.GatheringPlan(
            number=n, held_on=row.form.held_on.data, place=row.form.place.data or None,
            invited=row.form.invited.data, evaluate=row.form.evaluate.data)
            for n, row in enumerate(form.gatherings, 1)]
        made = network_setup.set_up_gatherings(
            db, account, network, int(form.questionnaire.data), plans,
            lambda n: _("Evaluation of %(gathering)s, %(network)s",
                        gathering=gathering_label(n), network=network.name))
        flash(ngettext("The gatherings are saved, and %(num)d evaluation survey is made.",
                       "The gatherings are saved, and %(num)d evaluation surveys are made.",
                       made))
        return redirect(url_for(".network_evaluations", network_id=network.id), code=303)
    html = render_template("admin/gatherings/setup.html", network=network, form=form,
                           evaluated=network_setup.evaluated_numbers(db, network.id),
                           labels=[gathering_label(n) for n in range(1, ERFARINGSSAMLING + 1)],
                           open_days=network_setup.EVALUATION_OPEN_DAYS)
    return html, 422 if form.errors else 200


@bp.get("/gatherings/<int:gathering_id>/briefing", allow=SIGNED_IN)
def gathering_briefing(gathering_id: int):
    """Before a gathering, on one page: per team what has happened since the last one, and
    the wishes written in its evaluation (for the network's own leads)."""
    account, db = auth.signed_in_account(), database.session()
    gathering = visible(Gathering, gathering_id)
    briefing = briefing_of(db, gathering, today=today(), lang=current_language(),
                           may_read_wishes=access.may_read_gathering_text(account, gathering))
    return render_template("admin/gatherings/briefing.html", briefing=briefing,
                           network=gathering.network, label=gathering_label(gathering.number),
                           previous_label=(gathering_label(briefing.previous.number)
                                           if briefing.previous else None),
                           minimum=current_rule().minimum)
