"""Every string a clerk sees, in Simplified Chinese (default) and English.

Strings live in the catalogue modules of this package (one per area of the product, each a
dict ``key -> (zh, en)``), so both languages of a message sit side by side and a missing
translation is a test failure rather than a surprise in front of a user.

The language is chosen by :func:`set_lang`, else ``SHEETSYNC_LANG`` (``zh``/``en``), else zh.
"""

from __future__ import annotations

import importlib
import os

LANGS = ("zh", "en")
# catalogue modules, one per area; each defines MESSAGES: dict[str, tuple[str, str]]
_AREAS = (
    "core",
    "check",
    "plan",
    "split",
    "merge",
    "intake",
    "mail",
    "ribbon",
    "cli",
    "assess",
    "calendar",
    "documents",
    "levels",
)

_lang: str | None = None
_catalog: dict[str, tuple[str, str]] | None = None


def normalise_lang(value: str | None) -> str:
    v = (value or "").strip().lower().replace("_", "-")
    if v.startswith("en"):
        return "en"
    return "zh"


def set_lang(lang: str | None) -> None:
    """Fix the language for this process (None: back to the environment default)."""
    global _lang
    _lang = None if lang is None else normalise_lang(lang)


def get_lang() -> str:
    if _lang is not None:
        return _lang
    return normalise_lang(os.environ.get("SHEETSYNC_LANG"))


def catalog() -> dict[str, tuple[str, str]]:
    global _catalog
    if _catalog is None:
        merged: dict[str, tuple[str, str]] = {}
        for area in _AREAS:
            try:
                mod = importlib.import_module(f"sheetsync.i18n.{area}")
            except ModuleNotFoundError as exc:  # an area not written yet
                if exc.name != f"sheetsync.i18n.{area}":
                    raise
                continue
            for key, pair in mod.MESSAGES.items():
                if key in merged:
                    raise KeyError(f"message key {key!r} defined twice")
                merged[key] = pair
        _catalog = merged
    return _catalog


def t(key: str, lang: str | None = None, **fields: object) -> str:
    """The message ``key`` in the current language, formatted with ``fields``."""
    pair = catalog().get(key)
    if pair is None:
        raise KeyError(f"no message {key!r}")
    text = pair[1 if (lang or get_lang()) == "en" else 0]
    return text.format(**fields) if fields else text


def both(key: str) -> tuple[str, str]:
    """(zh, en) of a message: used where either language must be recognised on input."""
    return catalog()[key]
