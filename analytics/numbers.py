"""The one rounding rule and the one way a number is written for a reader.

Why one function: a mean of 43/40 read 1,08 on the page (Babel rounds half to even from the
decimal form) and 1,07 in the CSV (Python's `round` on the binary float, which holds 43/40 as
1.07499999…), and 23 of 40 read 58 % on the page and 57 in the CSV. A unit that checks the
page against its download, or against Excel and Questback, must get the same figure
everywhere, so pages, charts, CSV, XLSX and the figures the API documents all round here:

- **Decimal half up** (away from zero at an exact half: 1,075 → 1,08, −1,075 → −1,08), as
  Excel's ROUND and Questback do.
- From the number's **decimal form**, never its binary value: a float is read through its
  shortest `repr` (1.075, which is what the computation meant), a `Fraction` exactly. For a
  mean s/n with n ≤ 400 both give the rounding of the exact fraction (a test checks all).
- A share is turned into percent in decimal (0.575 → 57.5 → 58), not as `100 * share` in
  binary (57.49999…).
- A result that rounds to zero is written without a sign (−0,04 → 0,0).

`written` gives the text a reader sees: the language's decimal sign and grouping (1 234,5 in
nb), a real minus sign (U+2212, never the hyphen), trailing zeros kept (1,30), and «58 %»
with a no-break space in nb and nn. Pure: the language is handed in by the caller.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Final

MINUS: Final = "\u2212"
NO_BREAK_SPACE: Final = "\u00a0"
# (decimal sign, group separator, what stands between the number and «%») per language, as
# in Babel's CLDR data for nb, nn and en.
SYMBOLS: Final = {
    "nb": (",", NO_BREAK_SPACE, NO_BREAK_SPACE),
    "nn": (",", NO_BREAK_SPACE, NO_BREAK_SPACE),
    "en": (".", ",", ""),
}

Number = int | float | Decimal | Fraction


def as_decimal(value: Number) -> Decimal:
    """`value` in decimal: a float from its shortest form, anything else exactly (a
    Fraction to 40 significant digits, far past any place that is rounded here)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number to round")
    if isinstance(value, Fraction):
        return _fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot round {value!r}")
        return Decimal(repr(value))
    return Decimal(value)


def _fraction(value: Fraction) -> Decimal:
    """A fraction in decimal without losing the half: cut (never rounded) at 40 significant
    digits, so that 0.0749999… can never read as 0.075 (an exact half stays exact)."""
    with localcontext(prec=40, rounding=ROUND_DOWN) as context:
        return context.divide(Decimal(value.numerator), Decimal(value.denominator))


def half_up(value: Number, places: int) -> Decimal:
    """`value` rounded half up (away from zero) to `places` decimals, with exactly that many
    decimals (1.3 → Decimal("1.30") for two); a zero result has no sign."""
    step = Decimal(1).scaleb(-places)
    result = as_decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def percent(share: Number, places: int = 0) -> Decimal:
    """A share (0.575) in percent, rounded half up in decimal: 58 for `places` 0."""
    return half_up(as_decimal(share).scaleb(2), places)


def written(value: Decimal, lang: str) -> str:
    """A rounded number as a reader sees it in `lang`: 1 234,50 and −0,5 in nb."""
    decimal_sign, group, _percent_space = SYMBOLS[_language(lang)]
    text = f"{abs(value):,f}".translate({ord(","): group, ord("."): decimal_sign})
    return MINUS + text if value.is_signed() and not value.is_zero() else text


def fixed(value: Number, places: int, lang: str) -> str:
    """`value` rounded half up to `places` decimals and written for `lang`."""
    return written(half_up(value, places), lang)


def percent_text(share: Number, lang: str, places: int = 0) -> str:
    """A share as «58 %» (nb, nn: a no-break space before %) or «58%» (en)."""
    _decimal, _group, space = SYMBOLS[_language(lang)]
    return written(percent(share, places), lang) + space + "%"


def _language(lang: str) -> str:
    """nb, nn or en from a locale name such as «nb_NO»; nb for anything else."""
    short = lang.split("_")[0].split("-")[0].lower()
    return short if short in SYMBOLS else "nb"
