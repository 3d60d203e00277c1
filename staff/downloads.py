"""The CSV and XLSX twin of a staff table, registered, checked and audited the same way every
time.

A download is written once, as a function that builds it for one format:

    @table_downloads(bp, "/surveys/<int:survey_id>/pairs", "survey_pairs", allow=SIGNED_IN,
                     audited="responses.export")
    def survey_pairs(fmt: str, survey_id: int) -> Download: ...

which serves `…/pairs.csv` (endpoint `admin.change.survey_pairs_csv`, `?sep=,` for commas) and
`…/pairs.xlsx` (`admin.change.survey_pairs_xlsx`). Every download then builds its tables (its
object loaded as its page loads it, so a reader who may not see it gets 404; a
`FriendlyError` is a 400 with its message), checks the separator (400 with a message),
records the audit entry when the download takes answers out of the platform, and sends the
file with `Cache-Control: no-store`. Rows may be a generator: a large export streams.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.wrappers import Response

import database
from analytics import exports
from analytics.exports import Table
from reporting.rule import current_rule
from staff.blueprint import Audience, StaffBlueprint, export_delimiter
from surveys import access, auth
from surveys.counts import response_count
from surveys.models import Survey
from web.errors import FriendlyError

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Download:
    """What one request downloads: the file name without its extension, the tables (a CSV
    holds exactly one; an XLSX a sheet per table) and, for an audited download, what the
    audit entry names."""

    stem: str
    tables: Sequence[Table]
    audit_target: str = ""


Builder = Callable[..., Download]


def table_downloads(bp: StaffBlueprint, rule: str, name: str, *, allow: Audience,
                    audited: str | None = None, endpoints: tuple[str, str] | None = None,
                    ) -> Callable[[Builder], Builder]:
    """Register `rule`.csv and `rule`.xlsx on the area's blueprint `bp` for
    `build(fmt, **view_args)`; `audited` is the audit log's action for downloads that carry
    answers; `endpoints` names the two routes when they are not `name`_csv and `name`_xlsx."""
    names = endpoints or (f"{name}_csv", f"{name}_xlsx")

    def register(build: Builder) -> Builder:
        def view(fmt: str, **view_args: Any) -> Response:
            return send(fmt, build, audited, view_args)

        view.__doc__ = build.__doc__
        for fmt, endpoint in zip(FORMATS, names, strict=True):
            bp.add_url_rule(f"{rule}.{fmt}", endpoint, view, defaults={"fmt": fmt},
                            allow=allow)
        return build

    return register


def send(fmt: str, build: Builder, audited: str | None, view_args: dict[str, Any]) -> Response:
    """Build, check the separator, audit, send: the same order for every download."""
    download = build(fmt, **view_args)
    delimiter = export_delimiter(fmt)
    if audited is not None:
        db = database.session()
        access.audit(db, auth.current_account(), audited, download.audit_target)
        db.commit()
    return exports.table_response(fmt, download.stem, download.tables, delimiter)


def require_released_rows(survey: Survey) -> None:
    """Row-level downloads (the responses as CSV, XLSX or FHIR) only from `minimum`
    released responses on: fewer rows could be told apart by whoever knows who answered.
    A 409 with a message in the reader's language otherwise; nothing is audited then, as
    nothing left the platform."""
    rule = current_rule()
    if rule.hides(response_count(database.session(), survey.id)):
        raise FriendlyError(409, _(
            "The responses can be downloaded once at least %(minimum)d of them are released "
            "together, so that no single answer can be recognised.", minimum=rule.minimum))
