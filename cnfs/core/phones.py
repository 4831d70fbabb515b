"""Phone numbers stored in E.164 ("+33472000000") and displayed in the national format for French numbers.

A number typed without its country code is read as French: mainland first, then the overseas départements and
collectivités (0262…, 0590…, 0696…), whose numbers have their own country codes."""

import phonenumbers
from phonenumbers import PhoneNumberFormat

DEFAULT_REGION = "FR"
# Regions a French number written nationally ("0…") may belong to, mainland first.
FRENCH_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "BL", "MF", "PM", "NC", "PF", "WF")


def parse_phone(text: str):
    """The valid PhoneNumber the text designates, or None."""
    text = (text or "").strip()
    if not text:
        return None
    regions = (None,) if text.startswith(("+", "00")) else FRENCH_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(text, region or DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_phone(text: str) -> str | None:
    """E.164 ("+33472000000"), or None when the text is not a valid phone number."""
    number = parse_phone(text)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None


def format_phone(value: str) -> str:
    """For display: "04 72 00 00 00" for a French number, "+49 30 123456" for a foreign one; else as stored."""
    number = parse_phone(value)
    if number is None:
        return value or ""
    region = phonenumbers.region_code_for_number(number)
    style = PhoneNumberFormat.NATIONAL if region in FRENCH_REGIONS else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def normalize_stored_phones(queryset, field: str) -> int:
    """Rewrites the stored numbers of `field` in E.164 (data migrations); a value that is no valid number is
    left as it is. Returns how many rows changed."""
    changed = 0
    for pk, value in queryset.exclude(**{field: ""}).values_list("pk", field).iterator():
        normalized = normalize_phone(value)
        if normalized and normalized != value:
            queryset.filter(pk=pk).update(**{field: normalized})
            changed += 1
    return changed
