"""Scales that fit (issue 18): a scale whose steps are not all labelled (1–7 with three
labels, PSFS's 0–10 with two) reads right on every width from 320 px up, in every language.

Each step is a target of at least 44 × 44 px; the steps stand in one row or one column (never
a row with «7» alone under it); every labelled step shows its label, next to that step and
nearer to it than to any other labelled step (never «10 = …» over the 6 of a wrapped row);
and the label is in the step's accessible name. Checked in place at each width: one page
per scale and language, resized.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from questionnaires import schema as s
from questionnaires.loader import builtin_definitions
from tests.browser.test_answering import LANGUAGES, choose_language

pytestmark = pytest.mark.browser
WIDTHS = (320, 360, 375, 390, 414, 480, 600, 768, 1280)
TOUCH = 44

# (questionnaire, the field name of its first scale on the page, that item's id)
SCALES = [("brukerundersokelse", "resultat_hverdag", "resultat_hverdag"),
          ("psfs", "activities-0-score", "score")]

# What is wrong with one scale as drawn now: `steps` its values, `labels` [value, text].
GEOMETRY = """([name, steps, labels, touch]) => {
  const problems = [];
  const boxes = steps.map(s => document.querySelector(`label[for="f-${name}-${s}"]`)
                                       .getBoundingClientRect());
  steps.forEach((s, i) => {
    if (boxes[i].width < touch - 0.5 || boxes[i].height < touch - 0.5)
      problems.push(`step ${s} is ${Math.round(boxes[i].width)}×${Math.round(boxes[i].height)} px`);
  });
  const rows = [];
  steps.forEach((s, i) => {
    const row = rows.find(r => Math.abs(r.top - boxes[i].top) < 2);
    if (row) row.steps.push(s); else rows.push({top: boxes[i].top, steps: [s]});
  });
  if (rows.length > 1 && rows.length < steps.length)
    problems.push('steps in rows ' + rows.map(r => r.steps.join(' ')).join(' | '));
  const fieldset = document.getElementById(`f-${name}-${steps[0]}`).closest('fieldset');
  // Hidden from the eye: not drawn, or clipped away (as a screen-reader-only text is).
  const hidden = el => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return true;
    for (; el && el !== fieldset; el = el.parentElement) {
      const style = getComputedStyle(el), box = el.getBoundingClientRect();
      if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) return true;
      if (style.overflow !== 'visible' && (box.width <= 1 || box.height <= 1)) return true;
    }
    return false;
  };
  const shown = [];
  const texts = document.createTreeWalker(fieldset, NodeFilter.SHOW_TEXT);
  for (let node; (node = texts.nextNode());) {
    if (node.parentElement.closest('legend, .hint') || hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1);
    if (rects.length) shown.push({text: node.textContent, rects});
  }
  const distance = (a, b) => Math.max(0, a.left - b.right, b.left - a.right)
                           + Math.max(0, a.top - b.bottom, b.top - a.bottom);
  const near = (text, box) => Math.min(...text.rects.map(r => distance(r, box)));
  for (const [step, label] of labels) {
    const text = shown.find(t => t.text.includes(label));
    if (!text) { problems.push(`«${label}» (${step}) is not shown`); continue; }
    const own = near(text, boxes[steps.indexOf(step)]);
    if (own > 12) problems.push(`«${label}» is ${Math.round(own)} px from its step ${step}`);
    for (const [other] of labels) {
      const d = near(text, boxes[steps.indexOf(other)]);
      if (other !== step && d <= own)
        problems.push(`«${label}» is as near to ${other} (${Math.round(d)} px) as to its`
                      + ` step ${step} (${Math.round(own)} px)`);
    }
  }
  return problems;
}"""


def scale_of(slug: str, item_id: str) -> s.Scale:
    """The scale of an item, a group's child item included."""
    definition = builtin_definitions()[slug]
    items = [child for item in definition.items()
             for child in (item.items if isinstance(item, s.GroupItem) else [item])]
    item = next(i for i in items if i.id == item_id)
    assert isinstance(item, s.ScaleItem)
    return definition.scale_of(item)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scales_read_right_from_320_px_up(browser: Browser, live_server, lang):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 740})
    page = context.new_page()
    problems = []
    for slug, name, item_id in SCALES:
        scale = scale_of(slug, item_id)
        labels = [[step, text.get(lang)] for step, text in sorted(scale.labels.items())]
        choose_language(page, f"{live_server.url}/s/{live_server.one_page[slug]}", lang)
        for width in WIDTHS if slug == SCALES[0][0] else WIDTHS[::-1]:
            page.set_viewport_size({"width": width, "height": 740})
            problems += [f"{lang} {slug} {scale.min}–{scale.max} at {width} px: {p}"
                         for p in page.evaluate(GEOMETRY, [name, scale.steps, labels, TOUCH])]
        for step, text in labels:
            expect(page.locator(f"#f-{name}-{step}")).to_have_accessible_name(
                re.compile(re.escape(text)))
    context.close()
    assert not problems, "\n".join(problems)

