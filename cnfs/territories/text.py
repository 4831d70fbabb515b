"""Normalisation of place names for search: accents, case, hyphens and the "st"/"saint" spellings."""

import re
import unicodedata

_WORD_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
_SEPARATORS = re.compile(r"[\s\-'’_.,/()]+")


def normalize_name(value: str) -> str:
    """'Saint-Étienne' and 'st etienne' both become 'st etienne'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae")
    words = [w for w in _SEPARATORS.split(ascii_only) if w]
    return " ".join(_WORD_ABBREVIATIONS.get(w, w) for w in words)
