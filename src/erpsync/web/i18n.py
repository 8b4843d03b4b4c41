"""Translatable UI texts: English is the source language; Swedish ships in locales/sv/*.json
(one file per area of the product, merged).

Templates call `_("Text")`; the language is the user's setting, else the browser's
Accept-Language, else English.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "sv")
LOCALES = Path(__file__).parent / "locales"


@cache
def catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = {}
    if language == "en":
        return data
    for path in sorted((LOCALES / language).glob("*.json")):
        data.update(json.loads(path.read_text(encoding="utf-8")))
    return data


def translator(language: str) -> Callable[..., str]:
    messages = catalog(language)

    def translate(text: str, **values: object) -> str:
        result = messages.get(text, text)
        return result.format(**values) if values else result

    return translate


def negotiate(user_language: str | None, accept_language: str | None) -> str:
    if user_language in LANGUAGES:
        return str(user_language)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"
