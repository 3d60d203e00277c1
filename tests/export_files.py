"""A whole export file as one value, for tests that read it back (the app streams them)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from analytics import exports


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]],
             delimiter: str = exports.DEFAULT_DELIMITER) -> str:
    """The CSV as text, starting with the byte-order mark."""
    return b"".join(exports.csv_chunks(header, rows, delimiter)).decode("utf-8")


def xlsx_bytes(tables: Sequence[exports.Table]) -> bytes:
    """The workbook as bytes."""
    with tempfile.TemporaryFile() as handle:
        exports.write_xlsx(handle, tables)
        handle.seek(0)
        return handle.read()
