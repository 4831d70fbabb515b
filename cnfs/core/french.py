"""Small rules of written French used in sentences built around names."""

import unicodedata

VOWELS = frozenset("aeiouy")


def starts_with_vowel(word: str) -> bool:
    """True when the first letter, accents removed, is a vowel (Émilie, Yves, Œuvre…); "h" is left alone, since
    a name cannot tell a mute h from an aspirated one."""
    word = word.lstrip()
    if not word:
        return False
    first = word[0].lower()
    if first in "œæ":
        return True
    base = unicodedata.normalize("NFD", first)[0]
    return base in VOWELS


def de(name) -> str:
    """'de' before a name, elided before a vowel: de Jean, d'Apolline, d'Émilie."""
    text = str(name).strip()
    return f"d'{text}" if starts_with_vowel(text) else f"de {text}"
