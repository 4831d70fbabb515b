"""What a real user path leaves behind, searched for personal values (GDPR: the journal holds ids and field names,
stored emails hold no token and nothing of an erased person)."""

import json

from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail


def journal_dump() -> str:
    rows = JournalEntry.objects.values("action", "role", "object_type", "object_id", "before", "after")
    return json.dumps(list(rows), ensure_ascii=False, default=str).lower()


def emails_dump() -> str:
    return json.dumps(list(OutgoingEmail.objects.values()), ensure_ascii=False, default=str).lower()


def phone_forms(phone: str) -> list[str]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return [phone, digits, "+33" + digits[1:], " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))]


def found_in(text: str, values) -> list[str]:
    """The values (case-insensitive) that appear in `text`."""
    return [value for value in values if value and value.lower() in text]
