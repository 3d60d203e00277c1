"""The permission matrix: every role × every staff route × every kind of object, GET and POST.

The world: network X (organisation X1 with units A and B, gathering X1), network Y
(organisation Y1 with unit C, gathering Y1) and organisation Z1 in no network (unit D); a
survey for units A, B, C, D and for gathering X1; a membership of X1 in X and of Y1 in Y. The
roles: an administrator, the lead of network X, the administrator of organisation X1 (who
must see nothing of Y1, Z1 or the networks), the lead of unit A, and an anonymous visitor.

A forbidden pair must answer 403 or 404 and change nothing; an allowed pair must not answer
401, 403, 404 or 5xx; an anonymous visitor is sent to the login page. A staff route that
is missing from POLICY fails the test, so a new route cannot skip the matrix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

import database
from questionnaires.loader import builtin_definitions
from surveys.account_models import Account, ApiToken
from surveys.auth import hash_password
from tests.builder_content import SAMPLE_IDS, sample_content
from tests.conftest import PASSWORD, csrf_of, log_in

# endpoint (`admin.<area>.<view>`, area by area) -> who may use it: "public" (no login),
# "any" (any account), "admin", "structure" (admin, or lead of the object's network),
# "survey" (whoever sees the survey),
# "unit" (admin, the lead of the unit's network, the unit's own lead); the administrator of
# organisation X1 may use "structure", "survey" and "unit" routes on X1, its units and their
# surveys only (`ORG_ADMIN_SCOPE`); "org_accounts" (admin, and the administrator of X1 for
# X1 and the lead of unit A, never another account nor another organisation); "org_delete"
# (admin, and the administrator of X1 for X1: not a network's lead); "own" (the object's
# own account, or an administrator: the matrix's API token belongs to the account "other");
# "maker" (whoever may make a questionnaire: not a unit lead; of a stored version, one they
# see); "draft" (who may change the questionnaire: admin, the leads of its network, the
# administrators of its organisation); "questionnaire_visible" (who sees the questionnaire:
# everyone the built-ins; admin all; the lead of X, the administrator of X1 and the lead of
# unit A those of X and X1, never Y's, Y1's or Z1's)
POLICY = {
    "admin.signin.login": "public", "admin.signin.logout": "public",
    "admin.signin.set_password": "public", "admin.signin.overview": "any",
    "admin.signin.change_password": "any", "admin.signin.help_page": "any",
    "admin.oidc.start": "public", "admin.oidc.callback": "public",
    "admin.organisation.organisation": "any", "admin.organisation.network_create": "admin",
    "admin.organisation.network_edit": "admin", "admin.organisation.network_archive": "admin",
    "admin.organisation.network_unarchive": "admin", "admin.organisation.network_delete": "admin",
    "admin.organisation.gathering_create": "structure",
    "admin.organisation.gathering_edit": "structure",
    "admin.organisation.gathering_delete": "structure",
    "admin.organisation.organisation_create": "structure",
    "admin.organisation.organisation_create_alone": "admin",
    "admin.memberships.network_members": "structure",
    "admin.memberships.membership_edit": "structure",
    "admin.memberships.organisation_networks": "structure",
    "admin.org_accounts.organisation_accounts": "org_accounts",
    "admin.org_accounts.lead_password_link": "org_accounts",
    "admin.org_accounts.lead_deactivate": "org_accounts",
    "admin.org_accounts.lead_reactivate": "org_accounts",
    "admin.organisation.organisation_edit": "structure",
    "admin.organisation.organisation_archive": "structure",
    "admin.organisation.organisation_unarchive": "structure",
    "admin.organisation.organisation_delete": "org_delete",
    "admin.organisation.unit_create": "structure", "admin.organisation.unit_edit": "structure",
    "admin.organisation.unit_archive": "structure",
    "admin.organisation.unit_unarchive": "structure", "admin.organisation.unit_delete": "structure",
    "admin.accounts.accounts": "admin", "admin.accounts.account_password_link": "admin",
    "admin.accounts.account_deactivate": "admin", "admin.accounts.account_reactivate": "admin",
    "admin.accounts.audit_log": "admin",
    "admin.surveys.surveys": "any", "admin.surveys.new_survey": "any",
    "admin.surveys.survey": "survey", "admin.surveys.close_survey": "survey",
    "admin.surveys.reopen_survey": "survey", "admin.surveys.add_links": "survey",
    "admin.survey_changes.edit_survey": "survey", "admin.survey_changes.next_period": "survey",
    "admin.survey_changes.archive_survey": "survey",
    "admin.survey_changes.unarchive_survey": "survey",
    "admin.survey_changes.delete_survey": "survey",
    "admin.surveys.survey_qr_svg": "survey", "admin.surveys.survey_qr_png": "survey",
    "admin.surveys.survey_poster": "survey", "admin.links.survey_links_csv": "survey",
    "admin.links.survey_slips": "survey", "admin.links.issued_links": "survey",
    "admin.surveys.survey_paper": "survey",
    "admin.surveys.paper_entry": "survey", "admin.surveys.export_responses": "survey",
    "admin.surveys.delete_survey_responses": "survey",
    "admin.surveys.export_responses_xlsx": "survey",
    "admin.surveys.export_codebook_csv": "survey", "admin.surveys.export_codebook_xlsx": "survey",
    "admin.follow_up.follow_up_settings": "survey", "admin.follow_up.follow_up_entry": "survey",
    "admin.units.unit_page": "unit", "admin.units.unit_trend_chart": "unit",
    "admin.results.survey_results": "survey", "admin.results.survey_results_chart": "survey",
    "admin.comparison.survey_compare": "survey", "admin.comparison.survey_compare_chart": "survey",
    "admin.reports.survey_report_page": "survey", "admin.reports.survey_report_chart": "survey",
    "admin.reports.comparison_report": "survey",
    "admin.comparison.organisation_compare": "structure",
    "admin.comparison.organisation_compare_chart": "structure",
    "admin.change.survey_change": "survey", "admin.change.survey_change_chart": "survey",
    "admin.change.survey_pairs_csv": "survey", "admin.change.survey_pairs_xlsx": "survey",
    "admin.change.survey_change_early": "survey",
    "admin.checklist.checklist_page": "survey", "admin.checklist.checklist_run_chart": "survey",
    "admin.checklist.checklist_p_chart": "survey", "admin.checklist.checklist_series_csv": "survey",
    "admin.checklist.checklist_series_xlsx": "survey", "admin.checklist.checklist_change": "survey",
    "admin.checklist.checklist_entry": "survey",
    "admin.gatherings.network_evaluations": "structure",
    "admin.gatherings.network_setup_page": "structure",
    "admin.gatherings.gathering_briefing": "structure",
    "admin.gatherings.network_evaluations_csv": "structure",
    "admin.gatherings.network_evaluations_xlsx": "structure",
    "admin.network.network_overview": "structure", "admin.network.network_checklists": "structure",
    "admin.exports.survey_results_csv": "survey", "admin.exports.survey_results_xlsx": "survey",
    "admin.exports.survey_compare_csv": "survey", "admin.exports.survey_compare_xlsx": "survey",
    "admin.exports.organisation_compare_csv": "structure",
    "admin.exports.organisation_compare_xlsx": "structure",
    "admin.exports.network_overview_csv": "structure",
    "admin.exports.network_overview_xlsx": "structure",
    "admin.fhir.export_responses_fhir": "survey",
    "admin.questionnaires.questionnaires": "any",
    "admin.questionnaires.questionnaire_version": "questionnaire_visible",
    "admin.questionnaires.questionnaire_download": "questionnaire_visible",
    "admin.questionnaires.questionnaire_fhir": "questionnaire_visible",
    "admin.questionnaires.questionnaire_import_fhir": "admin",
    "admin.questionnaires.questionnaire_upload": "admin",
    "admin.questionnaires.questionnaire_copy": "maker",
    "admin.builder.new_questionnaire": "maker", "admin.builder.draft": "draft",
    "admin.builder.start_draft": "draft", "admin.builder.publish": "draft",
    "admin.builder.discard": "draft",
    **{f"admin.builder_items.{view}": "draft" for view in (
        "add_item", "edit_item", "move_item", "remove_item", "add_child", "edit_child",
        "move_child", "remove_child")},
    **{f"admin.builder_parts.{view}": "draft" for view in (
        "edit_details", "add_section", "edit_section", "move_section", "remove_section",
        "scales", "add_scale", "edit_scale", "remove_scale", "categories", "edit_category",
        "remove_category")},
    **{f"admin.builder_library.{view}": "draft" for view in (
        "item_library", "preview", "preview_page", "preview_paper")},
    "admin.tokens.api_tokens_page": "any", "admin.tokens.api_token_revoke": "own",
    "admin.notifications.notification_settings": "any",
    "admin.notifications.unsubscribe": "public",
}
ROLES = ["admin", "network_lead", "org_admin", "unit_lead", "anonymous"]
ORG_ADMIN_SCOPE = {"X1", "A", "B", "sA", "sB", "uA", "uB", "cA", "cB"}
# Routes that only exist for surveys handed out as single-use links.
SINGLE_USE_ONLY = {"admin.links.survey_links_csv", "admin.links.survey_slips",
                   "admin.links.issued_links", "admin.surveys.add_links"}
# Routes that only exist for a unit's surveys, not a gathering's.
UNIT_ONLY = {"admin.survey_changes.next_period"}
# Routes that only exist for surveys of a process checklist.
CHECKLIST_ONLY = {"admin.checklist.checklist_page", "admin.checklist.checklist_run_chart",
                  "admin.checklist.checklist_p_chart",
                  "admin.checklist.checklist_series_csv", "admin.checklist.checklist_series_xlsx",
                  "admin.checklist.checklist_change",
                  "admin.checklist.checklist_entry"}


@dataclass
class World:
    ids: dict[str, int]
    emails: dict[str, str]


def build_world(app) -> World:
    from questionnaires.queries import latest_version
    from surveys.models import Gathering, LinkMode, Network, Organisation, Survey, Unit

    with app.app_context():
        db = database.session()
        x, y = Network(name="Nettverk X"), Network(name="Nettverk Y")
        x1 = Organisation(name="Kommune X1", kind="kommune", network=x)
        y1 = Organisation(name="Kommune Y1", kind="kommune", network=y)
        z1 = Organisation(name="Kommune Z1", kind="kommune")  # in no network
        a, b, c = Unit(name="A", organisation=x1), Unit(name="B", organisation=x1), Unit(
            name="C", organisation=y1)
        d = Unit(name="D", organisation=z1)
        gx, gy = Gathering(network=x, number=1), Gathering(network=y, number=1)
        psfs, checklist = latest_version(db, "psfs"), latest_version(db, "sjekkliste")
        targets = {"A": {"unit": a}, "B": {"unit": b}, "C": {"unit": c},
                   "D": {"unit": d}, "GX": {"gathering": gx}, "GY": {"gathering": gy}}
        surveys = {f"{prefix}{key}": Survey(title=key, questionnaire=psfs, link_mode=mode, **target)
                   for key, target in targets.items()
                   for prefix, mode in (("s", LinkMode.OPEN), ("u", LinkMode.SINGLE_USE))}
        surveys |= {f"c{key}": Survey(title=key, questionnaire=checklist, **targets[key])
                    for key in ("A", "B", "C")}
        accounts = {
            "admin": Account(email="admin@x.no", name="Admin", is_admin=True),
            "network_lead": Account(email="nett@x.no", name="Nett", networks=[x]),
            "org_admin": Account(email="org@x.no", name="Org", organisations=[x1]),
            "unit_lead": Account(email="enhet@x.no", name="Enhet", units=[a]),
            "other": Account(email="annen@y.no", name="Annen", networks=[y]),
        }
        for account in accounts.values():
            account.password_hash = hash_password(PASSWORD)
        token = ApiToken(account=accounts["other"], name="Power BI", token_hash="0" * 64,
                         created_on=dt.date(2026, 1, 5))
        db.add_all([x, y, x1, y1, z1, a, b, c, d, gx, gy, *surveys.values(),
                    *accounts.values(), token])
        db.commit()
        _draft_questionnaires(db, {"qX": ("network", x), "qY": ("network", y),
                                   "qX1": ("organisation", x1), "qY1": ("organisation", y1),
                                   "qZ1": ("organisation", z1)})
        ids = {"X": x.id, "Y": y.id, "X1": x1.id, "Y1": y1.id, "Z1": z1.id, "A": a.id,
               "B": b.id, "C": c.id, "D": d.id, "MX": x1.memberships[0].id,
               "MY": y1.memberships[0].id,
               "GX": gx.id, "GY": gy.id, **{k: s.id for k, s in surveys.items()},
               "account": accounts["other"].id, "lead_a": accounts["unit_lead"].id,
               "token": token.id}
        return World(ids, {k: v.email for k, v in accounts.items()})


def _draft_questionnaires(db, owners) -> None:
    """Per owner a questionnaire, its id the lower-cased case name (`sample_content`): its
    version 1 published (its nynorsk title written), and a draft of the next."""
    from questionnaires import drafts
    from surveys.questionnaire_owners import QuestionnaireOwner

    for case, (kind, owner) in owners.items():
        published = sample_content(case.lower())
        published["title"]["nn"] = published["title"]["nb"]
        drafts.publish(db, drafts.start(db, published))
        drafts.start(db, sample_content(case.lower()), base_version=1)
        db.add(QuestionnaireOwner(slug=case.lower(), kind=kind, **{f"{kind}_id": owner.id}))
    db.commit()


# The builder's questionnaires: (case name, owning network or the organisation's network)
QUESTIONNAIRE_CASES = [("qX", "X"), ("qY", "Y"), ("qX1", "X"), ("qY1", "Y"), ("qZ1", None)]
# The questionnaires every role but the administrator sees (X's, and X1's: a member of X).
SEEN_IN_X = {"qX", "qX1"}

# Which object each path parameter takes in each case: (case name, object key, network)
CASES = {
    "network_id": [("X", "X"), ("Y", "Y")],
    "organisation_id": [("X1", "X"), ("Y1", "Y"), ("Z1", None)],
    "unit_id": [("A", "X"), ("B", "X"), ("C", "Y"), ("D", None)],
    "membership_id": [("MX", "X"), ("MY", "Y")],
    "gathering_id": [("GX", "X"), ("GY", "Y")],
    "survey_id": [("sA", "X"), ("sB", "X"), ("sC", "Y"), ("sD", None), ("sGX", "X"),
                  ("sGY", "Y")],
    "single_use_survey_id": [("uA", "X"), ("uB", "X"), ("uC", "Y"), ("uGX", "X"),
                             ("uGY", "Y")],
    "checklist_survey_id": [("cA", "X"), ("cB", "X"), ("cC", "Y")],
    "unit_survey_id": [("sA", "X"), ("sB", "X"), ("sC", "Y")],
    "account_id": [("account", "Y"), ("lead_a", "X")],
    "token_id": [("token", "Y")],
}


def allowed(role: str, policy: str, obj: str | None, network: str | None) -> bool:
    if policy == "public" or role == "admin":
        return True
    if role == "anonymous":
        return False
    if policy == "any":
        return True
    if policy == "admin":
        return False
    if policy == "own":
        return False
    if policy == "questionnaire_visible":
        return obj is None or obj in SEEN_IN_X
    if policy == "maker":
        return role in ("network_lead", "org_admin") and (obj is None or obj in SEEN_IN_X)
    if policy == "draft":
        return (role, obj) in {("network_lead", "qX"), ("org_admin", "qX1")}
    if policy == "org_delete":
        return role == "org_admin" and obj == "X1"
    if policy == "org_accounts":
        return role == "org_admin" and obj in ("X1", "lead_a")
    if role == "org_admin":
        return obj in ORG_ADMIN_SCOPE
    if policy == "structure":
        return role == "network_lead" and network == "X"
    if role == "network_lead":  # survey or unit
        return network == "X"
    if policy == "unit":
        return obj == "A"
    return obj in ("sA", "uA", "cA")  # the unit lead sees only unit A's surveys


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]


def test_every_staff_route_is_in_the_matrix(app):
    missing = sorted({r.endpoint for r in staff_rules(app)} - set(POLICY))
    assert not missing, f"add these endpoints to POLICY: {missing}"


WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


class Writes:
    """The tables that committed statements wrote to (INSERT, UPDATE, DELETE) on the app's
    engine, but the login throttle's: what a request changed. A statement rolled back does
    not count; one that wrote the same values again does. Seen as the statements pass,
    instead of reading every table before and after each request."""

    def __init__(self, app):
        self.engine = app.extensions["db_engine"]
        self.pending: dict[int, set[str]] = {}
        self.committed: set[str] = set()
        self.hooks = {"before_cursor_execute": self._statement, "commit": self._commit,
                      "rollback": self._rollback}
        for name, hook in self.hooks.items():
            sa.event.listen(self.engine, name, hook)

    def _statement(self, connection, _cursor, statement, *_args):
        written = WRITE.match(statement)
        if written and written.group(1).lower() != "login_failures":
            self.pending.setdefault(id(connection), set()).add(written.group(1).lower())

    def _commit(self, connection):
        self.committed |= self.pending.pop(id(connection), set())

    def _rollback(self, connection):
        self.pending.pop(id(connection), None)

    def take(self) -> set[str]:
        """The tables written since the last call."""
        written, self.committed = self.committed, set()
        return written

    def close(self):
        for name, hook in self.hooks.items():
            sa.event.remove(self.engine, name, hook)


def urls_for(rule, world: World):
    """(url, object key, network) for each object the rule's parameter can take."""
    params = [p for p in rule.arguments if p not in (rule.defaults or {})]
    if not params:
        return [(rule.rule, None, None)]
    if set(params) == {"slug", "version"}:  # a built-in, and version 1 of each owner's
        version = str(builtin_definitions()["psfs"].version)
        return [(rule.rule.replace("<slug>", "psfs").replace("<int:version>", version),
                 None, None)] + [
            (rule.rule.replace("<slug>", case.lower()).replace("<int:version>", "1"), case,
             network) for case, network in QUESTIONNAIRE_CASES]
    if "slug" in params and rule.endpoint.startswith("admin.builder"):
        return [(_builder_url(rule.rule, case.lower()), case, network)
                for case, network in QUESTIONNAIRE_CASES]
    if params == ["token"]:
        return [(rule.rule.replace("<token>", "x" * 43), None, None)]
    if params == ["provider"]:  # the matrix's work-account login (`matrix_provider`)
        return [(rule.rule.replace("<provider>", "matrix"), None, None)]
    (param,) = params
    special = ("single_use_survey_id" if rule.endpoint in SINGLE_USE_ONLY else
               "checklist_survey_id" if rule.endpoint in CHECKLIST_ONLY else
               "unit_survey_id" if rule.endpoint in UNIT_ONLY else None)
    if special is not None:
        return [(re.sub(r"<[^>]+>", str(world.ids[key]), rule.rule), key, network)
                for key, network in CASES[special]]
    assert param in CASES, f"{rule.rule}: add '{param}' to CASES"
    return [(re.sub(r"<[^>]+>", str(world.ids[key]), rule.rule), key, network)
            for key, network in CASES[param]]


def _builder_url(rule: str, slug: str) -> str:
    url = rule.replace("<slug>", slug)
    for name, value in SAMPLE_IDS.items():
        url = url.replace(f"<{name}>", value)
    return url


def matrix_provider(app, monkeypatch) -> None:
    """A work-account provider «matrix» whose discovery document is known without asking
    anyone: starting its login answers a redirect to it, whoever asks (the flow itself is
    tested against a real provider in tests/test_oidc_login.py)."""
    from web import oidc_client, oidc_settings

    issuer = "https://login.matrix.example"
    app.extensions["oidc_providers"] = oidc_settings.read({
        "OIDC_PROVIDERS": "matrix", "OIDC_MATRIX_ISSUER": issuer,
        "OIDC_MATRIX_CLIENT_ID": "matrix", "OIDC_MATRIX_CLIENT_SECRET": "secret"})
    document = {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token", "jwks_uri": f"{issuer}/keys"}
    monkeypatch.setattr(oidc_client, "discover", lambda provider: document)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, client, role, monkeypatch):
    world = build_world(app)
    matrix_provider(app, monkeypatch)
    if role != "anonymous":
        assert log_in(client, world.emails[role]).status_code == 303
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    checks = []
    for rule in staff_rules(app):
        policy = POLICY[rule.endpoint]
        for url, obj, network in urls_for(rule, world):
            for method in sorted(rule.methods & {"GET", "POST"}):
                checks.append((allowed(role, policy, obj, network), method, url, rule.endpoint))
    # Forbidden first (they must change nothing), then allowed GETs, then allowed POSTs.
    # Removing comes late and throwing a draft away last, so the other routes find the
    # objects (publishing refuses the matrix's drafts: their nynorsk title is missing).
    checks.sort(key=lambda c: (c[0], c[1] == "POST", "delete" in c[2] or "discard" in c[2],
                               "remove" in c[2], c[2]))
    failures = []
    writes = Writes(app)
    try:
        for is_allowed, method, url, endpoint in checks:
            if endpoint == "admin.signin.logout" and role != "anonymous":
                continue  # would end the session the rest of the matrix needs
            writes.take()
            response = client.open(url, method=method, data={"csrf_token": token})
            written = writes.take()
            status = response.status_code
            if role == "anonymous" and not is_allowed:
                ok = status == 302 and "/admin/login" in response.headers["Location"]
            elif is_allowed:
                ok = status not in (401, 403, 404) and status < 500
            else:
                ok = status in (403, 404) and not written
            if not ok:
                failures.append(f"{role} {method} {url} ({endpoint}) -> {status}, "
                                f"expected {'allowed' if is_allowed else 'forbidden'}"
                                + (f", wrote {sorted(written)}" if written else ""))
    finally:
        writes.close()
    assert not failures, "\n".join(failures)


# --- Denied unless a route says who may see it ----------------------------------------------

AUDIENCE_OF_POLICY = {"public": "ANYONE", "admin": "ADMINS"}


def test_every_staff_route_declares_the_audience_the_matrix_expects(app):
    from staff.blueprint import audience_of

    declared = {}
    for rule in staff_rules(app):
        audience = audience_of(app, rule.endpoint)
        declared[rule.endpoint] = audience.name if audience is not None else None
    expected = {endpoint: AUDIENCE_OF_POLICY.get(rule, "SIGNED_IN")
                for endpoint, rule in POLICY.items() if endpoint.startswith("admin.")}
    assert declared == expected


def test_every_staff_area_is_its_own_blueprint_under_admin(app):
    """Each area's routes sit on its own blueprint, nested in `admin` and named after the
    area, so an endpoint says which module serves it: `admin.<area>.<view>`."""
    import staff

    assert {name for name in app.blueprints if name.startswith("admin.")} == {
        f"admin.{area.__name__.rpartition('.')[2]}" for area in staff.AREAS}
    for rule in staff_rules(app):
        _admin, area, view = rule.endpoint.split(".")
        module = next(m for m in staff.AREAS if m.bp is app.blueprints[f"admin.{area}"])
        assert view in module.bp.audiences, rule.endpoint


def test_a_staff_route_without_an_audience_cannot_be_registered():
    from staff.blueprint import StaffBlueprint

    blueprint = StaffBlueprint("probe", __name__)
    with pytest.raises(TypeError, match="must say who may see it"):
        blueprint.add_url_rule("/x", view_func=lambda: "x")
    with pytest.raises(TypeError, match="must say who may see it"):
        blueprint.route("/y")(lambda: "y")


def test_a_route_missing_from_the_audiences_is_refused(app, client, make_account):
    """Belt and braces: a view registered behind the check's back is never served."""
    from staff.signin import bp

    make_account("admin@a.no", is_admin=True)
    assert log_in(client, "admin@a.no").status_code == 303
    saved = bp.audiences.pop("overview")
    try:
        assert client.get("/admin/").status_code == 403
    finally:
        bp.audiences["overview"] = saved
    assert client.get("/admin/").status_code == 200


def test_a_plain_blueprint_nested_in_admin_is_refused(app, make_account, monkeypatch):
    """A blueprint that is not a StaffBlueprint declares no audience: the parent's check
    refuses every route of it, to administrators too."""
    from flask import Blueprint

    import staff
    from tests.conftest import make_app

    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "stray", lambda: "served")
    every_area = staff.blueprint

    def with_stray():
        admin = every_area()
        admin.register_blueprint(stray)
        return admin

    monkeypatch.setattr(staff, "blueprint", with_stray)
    probe = make_app(app.config["DATABASE_URL"])
    try:
        make_account("admin@a.no", is_admin=True)
        client = probe.test_client()
        assert log_in(client, "admin@a.no").status_code == 303
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/stray").status_code == 403
    finally:
        probe.extensions["db_engine"].dispose()
