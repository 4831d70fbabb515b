"""Rules that tie records together, checked over the whole database by `manage.py check_consistency`.

Each app declares its checks in its own `consistency.py` with `@register("name", "what it checks")`; a check returns
the ids of the rows that break its rule (a queryset of ids or a list). Core discovers them without importing the apps.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    function: Callable[[], Iterable]


_CHECKS: dict[str, Check] = {}


def register(name: str, description: str):
    def decorator(function):
        _CHECKS[name] = Check(name, description, function)
        return function

    return decorator


def checks() -> list[Check]:
    autodiscover_modules("consistency")
    return sorted(_CHECKS.values(), key=lambda check: check.name)


@dataclass(frozen=True)
class Result:
    check: Check
    ids: list

    @property
    def ok(self) -> bool:
        return not self.ids


def run_checks() -> list[Result]:
    """Every check with the ids of the rows that break it."""
    return [Result(check, list(check.function())) for check in checks()]
