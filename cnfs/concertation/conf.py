"""Settings of the concertation, each overridable in the Django settings under the same name."""

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def national_post_target() -> int:
    return _get("CNFS_NATIONAL_POST_TARGET", 4000)


def max_posts_per_decision() -> int:
    return _get("CNFS_MAX_POSTS_PER_DECISION", 30)


def recruitment_months() -> int:
    return _get("CNFS_RECRUITMENT_MONTHS", 2)
