"""Where a page may send its reader back to: the one check of every `next` the site follows."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`.

    Browsers drop tabs and newlines from an address and read a backslash as a slash, so a
    target that starts with «/» can still lead to another host (`/\\t/evil.example` becomes
    `//evil.example`). Any control character, space or backslash is refused outright, and
    what is left must have neither a scheme nor a host and must not start with «//», nor may
    its path once percent-decoded (`/%2F/evil.example`, `/%09/evil.example`): this site's
    paths hold none of those characters, so refusing them costs nothing.
    """
    if not target or _unsafe(target) or not target.startswith("/"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or _unsafe(unquote(parts.path)):
        return fallback
    return target


def _unsafe(text: str) -> bool:
    """A control character, space or backslash anywhere, or a start that means «another host»."""
    return text.startswith("//") or any(ch <= " " or ch in "\x7f\\" for ch in text)
