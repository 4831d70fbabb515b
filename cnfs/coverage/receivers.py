"""What changes the set of places visible on the public map, and so the communes' distances: a place created,
saved (moved, shown, hidden), deleted, or given or left by an advisor; an advisor hired or whose contract ends (a
place counts only while one of its advisors is in post). Each queues the update of the places concerned once the
transaction commits (never for a change rolled back). Connected in CoverageConfig.ready."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from cnfs.activity.models import Place
from cnfs.recruitment.models import Advisor, Match, MatchStatus


def schedule(place_ids) -> None:
    place_ids = sorted(set(place_ids))
    if not place_ids:
        return

    def enqueue():
        from .tasks import refresh_coverage

        refresh_coverage.enqueue(place_ids)

    transaction.on_commit(enqueue)


@receiver(post_save, sender=Place, dispatch_uid="coverage.place_saved")
def on_place_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.pk])


@receiver(post_delete, sender=Place, dispatch_uid="coverage.place_deleted")
def on_place_deleted(sender, instance, **kwargs):
    schedule([instance.pk])


@receiver(m2m_changed, sender=Place.advisors.through, dispatch_uid="coverage.place_advisors")
def on_place_advisors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # advisor.places.add(...): the places are pk_set
        schedule(pk_set or instance.places.values_list("pk", flat=True))
    else:
        schedule([instance.pk])


def _places_of(advisor_filter) -> list[int]:
    return list(
        Place.objects.filter(advisors__in=Advisor.objects.filter(**advisor_filter)).values_list(
            "pk", flat=True
        )
    )


@receiver(post_save, sender=Advisor, dispatch_uid="coverage.advisor_saved")
def on_advisor_saved(sender, instance, created, raw=False, **kwargs):
    if not raw and not created:  # a new advisor holds no place yet
        schedule(_places_of({"pk": instance.pk}))


@receiver(post_save, sender=Match, dispatch_uid="coverage.match_saved")
def on_match_saved(sender, instance, raw=False, **kwargs):
    """The end of a contract updates the advisor with a plain UPDATE (no signal): its match's status tells."""
    if not raw and instance.status == MatchStatus.TERMINATED:
        schedule(_places_of({"match": instance}))
