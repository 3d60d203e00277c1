"""Bytes transferred for each respondent page, with all its assets, in Chromium at 360×740.

Run by hand: `.venv/bin/python bench/pageweight.py`. It starts the app on 127.0.0.1 with a
throwaway SQLite database, opens every built-in questionnaire (one page and page per
section) plus a page of exactly seven scale items, and prints per page the bytes on the
wire (headers and compressed bodies, as Chromium counts them) and the request count.
Target (issue 7): at most 30 kB in all for the seven-item page, one CSS request, no
required script.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import database  # noqa: E402
from app import create_app  # noqa: E402
from questionnaires.loader import builtin_definitions, parse_definition  # noqa: E402
from questionnaires.operations import store_version  # noqa: E402
from surveys.cli import upgrade_database  # noqa: E402
from surveys.models import Layout, Network, Organisation, Survey, Unit  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
BUDGET = 30 * 1024


def seven_scale_items() -> str:
    """A questionnaire of seven 1–7 items, like a page of the user survey."""
    base = builtin_definitions()["brukerundersokelse"]
    items = [i.model_dump(mode="json", exclude_none=True)
             for i in base.items() if i.type == "scale"][:7]
    data = base.model_dump(mode="json", exclude_none=True)
    data.update(id="bench_seven", categories=data["categories"],
                sections=[{"id": "one", "items": items}])
    return yaml.safe_dump(data, allow_unicode=True)


def make_surveys(app) -> list[tuple[str, str]]:
    with app.app_context():
        upgrade_database()
        db = database.session()
        unit = Unit(name="Bench", organisation=Organisation(
            name="Bench", kind="kommune", network=Network(name="Bench")))
        seven = store_version(db, parse_definition(seven_scale_items()), "bench")
        targets = [("seven scale items", seven, Layout.ONE_PAGE)]
        from questionnaires.queries import latest_version

        for slug in builtin_definitions():
            version = latest_version(db, slug)
            targets.append((f"{slug} (one page)", version, Layout.ONE_PAGE))
            targets.append((f"{slug} (page 1 of sections)", version, Layout.PAGE_PER_SECTION))
        pages = []
        for label, version, layout in targets:
            survey = Survey(title=label, questionnaire=version, unit=unit, layout=layout)
            db.add(survey)
            db.flush()
            pages.append((label, survey.public_token))
        db.commit()
        return pages


def measure_page(browser, url: str) -> tuple[int, int, int]:
    """(bytes on the wire, requests, stylesheets) for one page load in a fresh context."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: list[int] = []
    kinds: list[str] = []
    cdp.on("Network.loadingFinished", lambda e: sizes.append(int(e["encodedDataLength"])))
    page.on("request", lambda r: kinds.append(r.resource_type))
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(sizes), len(kinds), kinds.count("stylesheet")


def measure(url: str, pages: list[tuple[str, str]]) -> list[tuple[str, int, int, int]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        rows = [(label, *measure_page(browser, f"{url}/s/{token}")) for label, token in pages]
        browser.close()
    return rows


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp())
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}"})
    pages = make_surveys(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = measure(f"http://127.0.0.1:{server.server_port}", pages)
    server.shutdown()
    print(f"{'page':45} {'bytes':>8} {'requests':>9} {'css':>4}")
    for label, size, count, css in rows:
        flag = "" if size <= BUDGET else "  over 30 kB"
        print(f"{label:45} {size:8d} {count:9d} {css:4d}{flag}")


if __name__ == "__main__":
    main()
