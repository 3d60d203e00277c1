"""Every CSV and XLSX the app hands out goes through this module.

A spreadsheet can run a cell that starts with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return can hide such a start), so one answer typed by anyone could
run something on a member of staff's machine (OWASP "CSV injection"). Every text cell is
neutralised here by a leading single quote, in CSV and in XLSX alike, so both formats say the
same. Numbers stay numbers: a real number cannot be a formula, and a negative scale value
must still read as one.

CSV files are UTF-8 with a byte-order mark, so Excel shows «æøå» right, and use ';' by
default: Norwegian Excel splits on ';' because ',' is the decimal sign. Decimals follow the
delimiter: a comma with ';', a point with ','. A figure already rounded by
`analytics.numbers.half_up` is a `Decimal` and is written with exactly its decimals, trailing
zeros kept (1,30), in the CSV as in the XLSX (there as a number with a format of that many
decimals), so the download reads as the page does.

Both formats are written row by row from an iterable, never as a whole in memory, so a raw
export of 100,000 responses stays small: the CSV is streamed to the client in chunks of rows
(`csv_response`), and the XLSX is written by XlsxWriter in its constant-memory mode (each
row flushed to a temporary file as it is written) and then sent from that file
(`xlsx_response`). XlsxWriter's `write_string` stores text as text, never as a formula, and
the options below turn off its guessing of numbers, formulas and links in strings.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from flask import Response, has_request_context, send_file, stream_with_context

DELIMITERS = (";", ",")
DEFAULT_DELIMITER = ";"
FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
ROWS_PER_CHUNK = 500
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


@dataclass(frozen=True)
class Table:
    """One table of an export: a CSV file, or one sheet of an XLSX workbook."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


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


def is_number(value: Any) -> bool:
    """A real number (not a bool, which is written as text like any other word)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell(value: Any, delimiter: str = DEFAULT_DELIMITER) -> str:
    """One value as a safe CSV cell: empty for None, numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if is_number(value):
        return _number(value, delimiter)
    return neutralise(str(value))


def _number(value: float | Decimal, delimiter: str) -> str:
    if isinstance(value, Decimal):  # rounded by analytics.numbers: its decimals as they are
        text = f"{value:f}"
        return text.replace(".", ",") if delimiter == ";" else text
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return text.replace(".", ",") if delimiter == ";" else text


# --- CSV ----------------------------------------------------------------------------------

def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]],
               delimiter: str = DEFAULT_DELIMITER,
               rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The file as UTF-8 chunks: the byte-order mark and the header first, then
    `rows_per_chunk` rows at a time. The delimiter is checked at once (ValueError), before
    any row is read."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"unknown delimiter {delimiter!r}")
    return _chunks(header, rows, delimiter, rows_per_chunk)


def _chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str,
            rows_per_chunk: int) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text.encode("utf-8")

    buffer.write(BOM)
    writer.writerow([cell(h, delimiter) for h in header])
    yield flush()
    waiting = 0
    for row in rows:
        writer.writerow([cell(v, delimiter) for v in row])
        waiting += 1
        if waiting >= rows_per_chunk:
            yield flush()
            waiting = 0
    if waiting:
        yield flush()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                 delimiter: str = DEFAULT_DELIMITER) -> Response:
    """A streamed download of the CSV, never cached (it may hold answers).

    `rows` may be read lazily, as the chunks are sent. The request's database session is
    closed when the view returns, so rows that read the database hold a connection of
    their own (`surveys.queries.response_table`); inside a request the stream keeps the
    request's context, for anything else the rows need from it.
    """
    chunks = csv_chunks(header, rows, delimiter)
    if has_request_context():
        chunks = stream_with_context(chunks)
    response = Response(chunks, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return _attachment(response, filename, "export.csv")


# --- XLSX ---------------------------------------------------------------------------------

def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\ or ', unique."""
    base = SHEET_NAME_FORBIDDEN.sub("_", name).strip() or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    return candidate


def write_xlsx(target: str | IO[bytes], tables: Sequence[Table]) -> None:
    """Write `tables` as the sheets of one workbook, row by row in constant memory.

    Numbers are written as numbers; every other value as a string through `neutralise`,
    exactly as in the CSV; None as an empty cell. The header row is bold and frozen.
    """
    import xlsxwriter  # here, not at start-up

    workbook = xlsxwriter.Workbook(target, XLSX_OPTIONS)
    try:
        bold = workbook.add_format({"bold": True})
        formats = _DecimalFormats(workbook)
        names: list[str] = []
        for table in tables:
            name = sheet_name(table.name, names)
            names.append(name)
            sheet = workbook.add_worksheet(name)
            sheet.freeze_panes(1, 0)
            for col, title in enumerate(table.header):
                sheet.write_string(0, col, neutralise(str(title)), bold)
            for row_number, row in enumerate(table.rows, start=1):
                for col, value in enumerate(row):
                    _write_cell(sheet, row_number, col, value, formats)
    finally:
        workbook.close()


class _DecimalFormats:
    """One XLSX number format per count of decimals («0.00»), made once per workbook."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[int, Any] = {}

    def of(self, value: Decimal) -> Any:
        places = max(0, -int(value.as_tuple().exponent))
        if places not in self.made:
            pattern = "0." + "0" * places if places else "0"
            self.made[places] = self.workbook.add_format({"num_format": pattern})
        return self.made[places]


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: _DecimalFormats) -> None:
    if value is None:
        return
    if isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), formats.of(value))
    elif is_number(value):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, neutralise(str(value)))


def xlsx_response(filename: str, tables: Sequence[Table]) -> Response:
    """A download of the workbook, never cached. It is written to an anonymous temporary
    file (gone from the disk already, and from memory once the response is closed) and
    sent from there in blocks."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response, not here
    try:
        write_xlsx(handle, tables)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True,
                         download_name=_safe_name(filename, "export.xlsx"), conditional=False,
                         etag=False, max_age=0)
    return _attachment(response, filename, "export.xlsx")


# --- Either -------------------------------------------------------------------------------

def format_from(value: str | None) -> str:
    """The format asked for: 'csv' or 'xlsx'; ValueError for anything else."""
    if value not in FORMATS:
        raise ValueError(f"unknown format {value!r}")
    return value


def table_response(fmt: str, stem: str, tables: Sequence[Table],
                   delimiter: str = DEFAULT_DELIMITER) -> Response:
    """`stem`.csv (exactly one table) or `stem`.xlsx (one sheet per table).

    ValueError for an unknown format or delimiter, or a CSV of other than one table; the
    views check what the reader asked for first and answer 400 or 404.
    """
    format_from(fmt)
    if fmt == "xlsx":
        return xlsx_response(f"{stem}.xlsx", tables)
    if len(tables) != 1:
        raise ValueError("a CSV file holds exactly one table")
    table = tables[0]
    return csv_response(f"{stem}.csv", table.header, table.rows, delimiter)


def _safe_name(filename: str, fallback: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:100] or fallback


def _attachment(response: Response, filename: str, fallback: str) -> Response:
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_safe_name(filename, fallback)}"')
    response.headers["Cache-Control"] = "no-store"
    return response
