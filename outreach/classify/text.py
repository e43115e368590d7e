"""Text normalisation used by the rule layer."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)
_SPACES = re.compile(r"[ \t]+")


def fold(text: str) -> str:
    """Lower-case, unify quotes/dashes/spaces and remove diacritics.

    ``"Zurück am 15.04."`` -> ``"zuruck am 15.04."``; ``"ß"`` -> ``"ss"``. Newlines are kept so
    that line-based rules still work; runs of spaces are collapsed.
    """
    text = text.translate(_APOSTROPHES)
    text = text.replace("ß", "ss").replace("ẞ", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower())
