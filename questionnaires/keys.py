"""Ids (keys) for what the builder makes, so staff never have to invent one.

Results are compared across questionnaires by their items' keys, and the schema allows only
`[a-z][a-z0-9_]{0,39}`: a key is made from the Norwegian text (æ, ø, å spelt out as ae, o,
a), shortened, and numbered when it is taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

MAX_KEY = 40
_SPELT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})


def slugged(text: str, *, fallback: str = "q", length: int = 30) -> str:
    """`text` as a key's letters: lower case, ascii, whole words joined by '_', at most
    `length` characters."""
    plain = unicodedata.normalize("NFKD", text.casefold().translate(_SPELT))
    plain = plain.encode("ascii", "ignore").decode()
    key = ""
    for word in re.findall(r"[a-z0-9]+", plain):  # whole words while they fit
        joined = f"{key}_{word}" if key else word
        if len(joined) > length:
            key = key or word[:length]
            break
        key = joined
    if not key or not key[0].isalpha():
        key = f"{fallback}_{key}".strip("_")[:length]
    return key


def new_key(text: str, taken: Collection[str], *, fallback: str = "q") -> str:
    """A key for `text` that is not in `taken`: its slug, or its slug numbered _2, _3, …"""
    base = slugged(text, fallback=fallback)
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"[:MAX_KEY]
