"""What a respondents' language still lacks: the interface strings respondents meet, and the
built-in questionnaires' texts.

    python tools/translation_todo.py se          # counts, then each missing text
    python tools/translation_todo.py se --po      # the missing strings as .po entries

Respondents meet the strings of the respondent pages and the public pages (and the
messages the answering flow and the questionnaires' validation write); staff pages stay in
nb, nn and en, so their strings are not asked for. Questionnaire texts are looked up by
their bokmål wording (`questionnaires/translations/<code>.yaml`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Where the strings a respondent can meet are written.
RESPONDENT_SOURCES = (
    "templates/base.html", "templates/_*.html", "templates/pages/*.html",
    "templates/respond/*.html", "respond/*.py", "questionnaires/*.py", "web/errors.py",
    "web/pages.py", "web/accessibility_statement.py", "surveys/code_handover.py",
    "surveys/follow_up_codes.py", "surveys/operations.py", "surveys/pages.py",
)
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
            "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
JINJA = {"extensions": "jinja2.ext.i18n"}


def respondent_msgids() -> list[str | tuple[str, ...]]:
    """Every msgid (a tuple for plural forms) in the respondent-facing sources, once each."""
    found: dict[str | tuple[str, ...], None] = {}
    for pattern in RESPONDENT_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            method = "jinja2.ext:babel_extract" if path.suffix == ".html" else "python"
            options = JINJA if path.suffix == ".html" else {}
            for _line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=options):
                found[message] = None
    return list(found)


def catalogue(code: str) -> dict:
    """msgid → translation in the language's catalogue (empty when it has none)."""
    po = ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
    if po.exists():
        with po.open("rb") as source:
            return {m.id: m.string for m in read_po(source) if m.id}
    mo = po.with_suffix(".mo")
    if mo.exists():
        with mo.open("rb") as source:
            return {m.id: m.string for m in read_mo(source) if m.id}
    return {}


def missing_strings(code: str) -> list[str | tuple[str, ...]]:
    """The respondent-facing msgids the language's catalogue does not translate."""
    translated = catalogue(code)

    def done(msgid: str | tuple[str, ...]) -> bool:
        string = translated.get(msgid) or translated.get(
            msgid if isinstance(msgid, str) else msgid[0])
        if isinstance(string, (list, tuple)):
            return all(string)
        return bool(string)

    return [msgid for msgid in respondent_msgids() if not done(msgid)]


def texts_of(node: object) -> list[str]:
    """Every bokmål text in a definition (or any part of one), once each, in order."""
    from questionnaires.texts import Text

    found: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, Text):
            found[node.nb.strip()] = None
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
        elif hasattr(node, "__pydantic_fields__"):
            for name in type(node).model_fields:
                walk(getattr(node, name))

    walk(node)
    return list(found)


def bokmal_texts() -> list[str]:
    """Every bokmål text of the built-in questionnaires, once each, in file order."""
    from questionnaires.loader import builtin_definitions

    return list(dict.fromkeys(text for definition in builtin_definitions().values()
                              for text in texts_of(definition)))


def missing_texts(code: str) -> list[str]:
    """The built-in questionnaires' bokmål texts the language's memory does not translate."""
    from questionnaires.translation_memory import memory
    from util.languages import REQUIRED

    if code in REQUIRED:  # the definitions carry these themselves
        return []
    known = memory(code)
    return [text for text in bokmal_texts() if text not in known]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    code = argv[0]
    strings, texts = missing_strings(code), missing_texts(code)
    print(f"{code}: {len(strings)} interface strings and {len(texts)} questionnaire texts "
          "missing")
    for msgid in strings:
        print("string:", msgid)
    for text in texts:
        print("text:", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
