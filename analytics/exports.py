"""Every CSV the app hands out goes through this module.

A CSV opened in a spreadsheet can run a cell that starts with `=`, `+`, `-` or `@` as a
formula (and a leading tab or carriage return can hide such a start), so one answer typed
by anyone could run something on a member of staff's machine (OWASP "CSV injection").
Every text cell is neutralised here by a leading single quote. Numbers stay numbers: a
real number cannot be a formula, and a negative scale value must still read as one.

Files are UTF-8 with a byte-order mark, so Excel shows «æøå» right, and use ';' by default:
Norwegian Excel splits on ';' because ',' is the decimal sign. Decimals follow the
delimiter: a comma with ';', a point with ','.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

DELIMITERS = (";", ",")
DEFAULT_DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def delimiter_from(value: str | None) -> str:
    """The delimiter asked for in a `sep` parameter; ValueError for anything else."""
    if value is None or value == "":
        return DEFAULT_DELIMITER
    if value not in DELIMITERS:
        raise ValueError(f"unknown delimiter {value!r}")
    return value


def neutralise(text: str) -> str:
    """Text that a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any, delimiter: str = DEFAULT_DELIMITER) -> str:
    """One value as a safe CSV cell: empty for None, numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return neutralise(str(value))
    if isinstance(value, int | float):
        return _number(value, delimiter)
    return neutralise(str(value))


def _number(value: float, delimiter: str) -> str:
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return text.replace(".", ",") if delimiter == ";" else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]],
             delimiter: str = DEFAULT_DELIMITER) -> str:
    """The whole file as text, starting with the byte-order mark."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"unknown delimiter {delimiter!r}")
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell(h, delimiter) for h in header])
    for row in rows:
        writer.writerow([cell(v, delimiter) for v in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                 delimiter: str = DEFAULT_DELIMITER) -> Response:
    """A download of the CSV, never cached (it may hold answers)."""
    body = csv_text(header, rows, delimiter).encode("utf-8")
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:100] or "export.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
