"""Reading questionnaire definitions from YAML and reporting precisely what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from questionnaires.category_scales import MixedCategory
from questionnaires.schema import Definition

BUILTIN_DIR = Path(__file__).parent / "definitions"
MAX_DEFINITION_BYTES = 512 * 1024


class DefinitionError(ValueError):
    """A definition file that cannot be used; `problems` lists 'file: path: reason' lines.

    `mixed` holds the categories that mix scales, as data, when that is what is wrong (then
    it is all that is wrong: the schema checks it last), so a page can say it in the
    reader's language.
    """

    def __init__(self, source: str, problems: list[str],
                 mixed: Sequence[MixedCategory] = ()) -> None:
        self.source = source
        self.problems = [f"{source}: {p}" for p in problems]
        self.mixed = tuple(mixed)
        super().__init__("\n".join(self.problems))


def definition_error(source: str, exc: ValidationError) -> DefinitionError:
    """The schema's refusal of a definition as a DefinitionError for `source`."""
    return DefinitionError(source, _format_errors(exc), mixed_of(exc))


def mixed_of(exc: ValidationError) -> list[MixedCategory]:
    """The categories that mix scales, from the schema's `category_mix` error (if any)."""
    return [found for error in exc.errors(include_url=False)
            if error["type"] == "category_mix" for found in error["ctx"]["mixed"]]


def parse_definition(text: str, source: str = "<upload>") -> Definition:
    """Parse and validate YAML text; raise DefinitionError with every problem found."""
    if len(text.encode("utf-8", "replace")) > MAX_DEFINITION_BYTES:
        raise DefinitionError(source, [f"the file is larger than {MAX_DEFINITION_BYTES} bytes"])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or "not valid YAML"
        raise DefinitionError(source, [f"{where}{reason}"]) from None
    if not isinstance(data, dict):
        raise DefinitionError(source, ["the file must hold a mapping (id, version, title, ...)"])
    try:
        return Definition.model_validate(data)
    except ValidationError as exc:
        raise definition_error(source, exc) from None


def _format_errors(exc: ValidationError) -> list[str]:
    """Turn pydantic's errors into 'sections[0].items[2].scale: reason' lines."""
    lines = []
    for error in exc.errors(include_url=False):
        if error["type"] == "category_mix":  # a line per category
            lines += [found.english() for found in error["ctx"]["mixed"]]
            continue
        path = format_location(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif error["type"] == "missing":
            message = "this field is required"
        elif error["type"] == "union_tag_invalid":
            message = f"unknown item type {error['input'].get('type')!r}" if isinstance(
                error["input"], dict) else message
        lines.append(f"{path}: {message}" if path else message)
    return lines


def format_location(loc: tuple) -> str:
    """('sections', 0, 'items', 2, 'scale', 'scale') -> 'sections[0].items[2].scale'.

    Discriminated unions add the item type as a path step; it is dropped because the
    reader of the message thinks in the file's keys, not in our model names.
    """
    path = ""
    previous = None
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(previous, int) and part in _ITEM_TYPES:
            pass
        else:
            path += f".{part}" if path else str(part)
        previous = part
    return path


_ITEM_TYPES = {
    "scale", "single_choice", "multiple_choice", "text", "long_text", "integer",
    "checklist", "date", "group",
}


def load_file(path: Path) -> Definition:
    """Load one definition file."""
    return parse_definition(path.read_text(encoding="utf-8"), source=path.name)


@cache
def builtin_definitions() -> dict[str, Definition]:
    """The built-in questionnaires, by id, validated once per process."""
    definitions = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        definition = load_file(path)
        if definition.id != path.stem:
            raise DefinitionError(path.name, [f"id: '{definition.id}' must match the file name"])
        definitions[definition.id] = definition
    return definitions
