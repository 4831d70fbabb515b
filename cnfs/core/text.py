"""Text hygiene shared by forms (input), exports and documents (output), and French wording helpers."""

import re
import unicodedata

# C0 control characters but tab, line feed and carriage return, and DEL: never meaningful in typed text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\t\r\n]+")
# What XML 1.0 refuses (openpyxl and python-docx raise on it): C0 controls but tab/LF/CR, lone surrogates,
# U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_control_characters(text: str, *, multiline: bool = True) -> str:
    """The text without control characters; a single-line text also loses its tabs and line breaks (→ space)."""
    text = CONTROL_CHARACTERS.sub("", text)
    if not multiline:
        text = LINE_BREAKS.sub(" ", text)
    return text


def xml_safe(value):
    """A value an XML document (XLSX, DOCX) accepts: characters XML forbids are removed; non-text kept as is."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    return value


ELIDING = set("aeiouhœæAEIOUHŒÆ")


def elide_de(name) -> str:
    """ "de" before a name, elided before a vowel or a mute h: "d'Apolline", "d'Étienne", "de Bruno"."""
    name = str(name or "").strip()
    first = unicodedata.normalize("NFD", name[:1])[:1]
    return f"d'{name}" if first and first in ELIDING else f"de {name}"


def euros(amount) -> str:
    """An amount as French text, without the currency sign: "10 000,00" (non-breaking space between thousands, so
    that a number never wraps; a comma before the cents). Empty for None."""
    from decimal import Decimal

    if amount is None or amount == "":
        return ""
    return f"{Decimal(amount):,.2f}".replace(",", "\u00a0").replace(".", ",")
