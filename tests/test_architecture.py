"""The layout holds: imports point one way, staff areas do not import each other, every
package says what it holds, and no module or function grows past what a reader can hold.

Read from the source (every import, also those inside functions), not from a running app.
ARCHITECTURE.md draws the same rules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages of ours it may import (besides itself)
MAY_IMPORT = {
    "util": set(),
    "database": set(),
    "questionnaires": {"database", "util"},
    "analytics": {"questionnaires"},
    "surveys": {"questionnaires", "analytics", "database", "util"},
    "hl7fhir": {"questionnaires", "surveys", "database", "util"},
    "reporting": {"analytics", "surveys", "questionnaires", "database", "util"},
    "web": {"surveys", "questionnaires", "analytics", "database", "util"},
    "respond": {"surveys", "questionnaires", "web", "database", "util"},
    "api": {"reporting", "surveys", "questionnaires", "analytics", "web", "database", "util"},
    "staff": {"reporting", "surveys", "questionnaires", "hl7fhir", "analytics", "web",
              "database", "util"},
    "notifications": {"reporting", "surveys", "questionnaires", "analytics", "web", "database",
                      "util"},
}
# Modules of a view package another view may import: the builder's preview draws a draft
# with the respondents' own page drawing (it imports no view, and holds no route).
MAY_IMPORT_MODULES = {"staff": {"respond.rendering"}}
# What staff areas share; an area module imports no other area.
STAFF_SHARED = {"blueprint", "downloads", "lookups", "choices", "baseline_codes", "forms",
                "org_forms", "survey_forms", "survey_change_forms", "survey_filters",
                "token_forms", "questionnaire_forms", "notification_forms",
                "membership_forms", "org_account_forms", "builder_forms",
                "builder_item_forms", "builder_part_forms"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> list[tuple[str, Path]]:
    return [(package, path) for package in MAY_IMPORT
            for path in sorted((ROOT / package).rglob("*.py"))]


def imported(path: Path) -> set[str]:
    """Every module name `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(("package", "path"), modules(), ids=lambda value: str(value))
def test_imports_point_one_way(package: str, path: Path):
    allowed = MAY_IMPORT_MODULES.get(package, set())
    names = {name for name in imported(path)
             if not any(name == module or name.startswith(f"{module}.") for module in allowed)}
    ours = {name.split(".")[0] for name in names} & set(MAY_IMPORT)
    assert ours - {package} - MAY_IMPORT[package] == set(), path.relative_to(ROOT)


def area_names() -> list[str]:
    import staff

    return [area.__name__.rpartition(".")[2] for area in staff.AREAS]


def test_staff_areas_do_not_import_each_other():
    for area in area_names():
        path = ROOT / "staff" / f"{area}.py"
        others = {name.split(".")[1] for name in imported(path)
                  if name.startswith("staff.") and name.count(".") >= 1}
        assert others <= STAFF_SHARED, f"staff/{area}.py imports staff.{others - STAFF_SHARED}"


def test_every_staff_module_with_routes_is_an_area():
    route = re.compile(r"^@(bp\.(get|post|route)|table_downloads)\(", re.M)
    with_routes = {path.stem for path in (ROOT / "staff").glob("*.py")
                   if route.search(path.read_text(encoding="utf-8"))}
    assert with_routes == set(area_names())


def test_every_staff_area_has_its_own_blueprint_named_after_it():
    """`bp = StaffBlueprint("<area>", __name__)` in each area module, and in no shared one:
    the areas are listed once, in `staff.AREAS`, and nested under `admin` from there."""
    made = re.compile(r'^bp = StaffBlueprint\("(\w+)", __name__\)$', re.M)
    blueprints = {path.stem: made.findall(path.read_text(encoding="utf-8"))
                  for path in (ROOT / "staff").glob("*.py")}
    assert {stem: names for stem, names in blueprints.items() if names} == {
        area: [area] for area in area_names()}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_every_package_says_what_it_holds_and_may_import(package: str):
    docstring = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text()))
    assert docstring and "May import" in docstring


def test_no_module_or_function_is_too_long():
    too_long = []
    for _package, path in [*modules(), ("app", ROOT / "app.py")]:
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.name}: {length} lines")
    assert too_long == []


# --- Staff read released responses only (issue 15) ------------------------------------------

# Modules whose reads staff see (pages, downloads, the API), besides the read layer's packages.
STAFF_READ_MODULES = ["surveys/queries.py", "surveys/follow_up_queries.py"]
# Functions that touch responses or answers without `released`, and why that is right.
NOT_STAFF_READS = {
    "surveys/queries.py:released": "the condition itself",
    "surveys/queries.py:submission_exists": "whether a submission is stored, while storing it",
    "surveys/queries.py:_rows_on": "the answers of the released pages of _response_batches",
    "surveys/queries.py:response_pages": "pages its caller's query, which says what is read",
    "surveys/follow_up_queries.py:code_taken": "a new code's pair must be free, released or not",
    "surveys/follow_up_queries.py:find_code": "the respondent's own code opens its baseline",
    "surveys/follow_up_queries.py:baseline_code": "the code of the baseline just stored",
    "surveys/follow_up_queries.py:baseline_activities": "what the code holder named at baseline",
    "hl7fhir/responses.py:_answers": "the answers of the released pages of _response_batches",
}


def response_models(tree: ast.AST) -> set[str]:
    """The names under which a module imports `Response` and `Answer` from surveys.models."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "surveys.models"
            for alias in node.names if alias.name in ("Response", "Answer")}


def unreleased_reads(source: str, where: str) -> list[str]:
    """Functions of `source` that name Response or Answer but never call `released`."""
    tree = ast.parse(source)
    models = response_models(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        calls = {c.func.id if isinstance(c.func, ast.Name) else getattr(c.func, "attr", "")
                 for c in ast.walk(node) if isinstance(c, ast.Call)}
        key = f"{where}:{node.name}"
        if names & models and "released" not in calls and key not in NOT_STAFF_READS:
            found.append(key)
    return found


def staff_read_paths() -> list[Path]:
    packages = [path for package in ("reporting", "api", "hl7fhir", "staff", "notifications")
                for path in sorted((ROOT / package).rglob("*.py"))]
    return packages + [ROOT / module for module in STAFF_READ_MODULES]


def test_staff_reads_keep_to_released_responses():
    """Every read of responses or answers that staff see carries `surveys.queries.released`
    (a response waits unreleased until a batch of k is complete: `surveys.batches`)."""
    found = [key for path in staff_read_paths()
             for key in unreleased_reads(path.read_text(encoding="utf-8"),
                                         str(path.relative_to(ROOT)))]
    assert found == []


def test_the_released_check_finds_a_read_without_it():
    source = ("from surveys.models import Answer as A\n"
              "def texts(db):\n    return db.scalars(sa.select(A.value_text))\n"
              "def kept(db):\n    return db.scalars(sa.select(A.value_text).where(released()))\n")
    assert unreleased_reads(source, "m.py") == ["m.py:texts"]
