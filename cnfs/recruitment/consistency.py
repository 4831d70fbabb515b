"""Posts, matches and advisors tell the same story."""

from django.db.models import F, Q

from cnfs.core.consistency import register
from cnfs.structures.models import Post, PostStatus

from .models import Advisor, AdvisorStatus, Match, MatchStatus

HIRED = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)


@register("recruitment.post_status", "statut du poste = statut de la mise en relation qui le tient")
def post_status_follows_its_match():
    held = Match.objects.filter(post__isnull=False)
    wrong_requested = held.filter(status=MatchStatus.HIRE_REQUESTED).exclude(
        post__status=PostStatus.HIRE_REQUESTED
    )
    wrong_hired = held.filter(status__in=HIRED).exclude(post__status=PostStatus.OCCUPIED)
    taken_alone = Post.objects.filter(status__in=(PostStatus.HIRE_REQUESTED, PostStatus.OCCUPIED)).exclude(
        pk__in=Match.objects.filter(
            status__in=(MatchStatus.HIRE_REQUESTED, *HIRED), post__isnull=False
        ).values("post_id")
    )
    return sorted(
        {
            *wrong_requested.values_list("post_id", flat=True),
            *wrong_hired.values_list("post_id", flat=True),
            *taken_alone.values_list("pk", flat=True),
        }
    )


@register("recruitment.advisor", "chaque recrutement validé a sa fiche conseiller active, sur le même poste")
def every_hire_has_its_advisor():
    return (
        Match.objects.filter(status__in=HIRED)
        .exclude(Q(candidate__advisor__status=AdvisorStatus.ACTIVE) & Q(candidate__advisor__match=F("pk")))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


@register("recruitment.advisor_post", "une fiche conseiller active tient le poste de sa mise en relation")
def active_advisors_hold_their_match_post():
    return (
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
        .exclude(post_id=F("match__post_id"))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
