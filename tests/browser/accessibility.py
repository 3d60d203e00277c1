"""axe-core in the page: the WCAG 2.1 A and AA rules, run on the document as it is now.

axe's 570 kB script is given to each browser context once (`tests/browser/conftest.py`
adds it to every document the context opens, before the page's own scripts and outside
its Content-Security-Policy); sending it into each document afterwards cost three times
as much per check (measured: 92 ms against 39 ms per page).

Of axe's time on a page, its colour-contrast rule takes some 90 % (measured on a
questionnaire on one page: 1.4 s for every rule, 0.13 s without it). What it judges is
each text's colour against what lies behind it at its font size: the stylesheet's doing,
chosen by the element's kind, classes, attributes and states and those of the elements it
sits in, by the viewport and the media, never by the words. So every other rule runs on
every page `violations` is given, and the contrast rule on the elements of a *kind* the
worker has not judged before (`KINDS`: the chain of tags and classes from <html> down to
the element, with their attribute names and inline styles; its role, type and states,
such as :checked, :focus or :first-child; and the page's direction, width and emulated
media): the header on the fortieth page, the same question in nn after nb, another
survey's results table drawn the same way, are judged for contrast once. A kind that
failed is judged again each time."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

# Which rules run (WCAG 2.1 A and AA); "resultTypes" only spares axe listing every node
# that passed: the violations are reported in full as before.
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
CONTRAST = "color-contrast"
WITHOUT_CONTRAST = {**WCAG, "rules": {CONTRAST: {"enabled": False}}}
ONLY_CONTRAST = {"runOnly": {"type": "rule", "values": [CONTRAST]},
                 "resultTypes": ["violations"]}
AXE_SCRIPT = Axe().axe_script
RUN = "options => axe.run(document, options).then(results => results.violations)"
# Per kind of element (see above), the indices of the page's elements of that kind in
# `window.axeElements`.
KINDS = """() => {
  const media = ['print', '(forced-colors: active)', '(prefers-color-scheme: dark)',
                 '(prefers-contrast: more)'].map(m => matchMedia(m).matches);
  const page = [document.documentElement.dir, innerWidth, media.join(' ')].join('|');
  const states = ['checked', 'disabled', 'invalid', 'focus', 'focus-within', 'hover',
                  'placeholder-shown', 'first-child', 'last-child', 'nth-child(even)'];
  const kind = e => {
    let chain = '';
    for (let a = e; a; a = a.parentElement)
      chain = `${a.tagName}.${a.getAttribute('class')}[${a.getAttributeNames().sort()}]` +
              `{${a.getAttribute('style')}}>` + chain;
    return [page, chain, e.getAttribute('role'), e.type,
            states.filter(s => e.matches(':' + s)).join(' ')].join('|');
  };
  window.axeElements = [...document.body.querySelectorAll('*')];
  const kinds = {};
  window.axeElements.forEach((e, i) => (kinds[kind(e)] ??= []).push(i));
  return kinds;
}"""
RUN_ON = """([indices, options]) => axe.run({include: indices.map(i => window.axeElements[i])},
                                          options).then(results => results.violations)"""
_JUDGED: set[str] = set()  # the kinds this worker found no contrast problem in


def with_axe(context: BrowserContext) -> BrowserContext:
    """`context`, with axe-core in every document it opens from now on."""
    context.add_init_script(script=AXE_SCRIPT)
    return context


def violations(page: Page) -> list[dict]:
    """axe's WCAG 2.1 A and AA violations on the page as it is now: every rule, but the
    colour-contrast rule only on the elements of kinds not judged before in this worker (the
    module's docstring says why)."""
    found = page.evaluate(RUN, WITHOUT_CONTRAST)
    fresh = {kind: indices for kind, indices in page.evaluate(KINDS).items()
             if kind not in _JUDGED}
    if fresh:
        contrast = page.evaluate(RUN_ON, [sorted(i for found_at in fresh.values()
                                                 for i in found_at), ONLY_CONTRAST])
        if not contrast:
            _JUDGED.update(fresh)
        found += contrast
    return found


def assert_accessible(page: Page) -> None:
    """No violation on the page as it is now. It waits for the page to finish loading first
    (checked right after a click, a document still being replaced has no axe), and gives
    axe to a page whose context was made without it (a context a test made itself)."""
    page.wait_for_load_state()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    found = violations(page)
    assert not found, [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in found]
