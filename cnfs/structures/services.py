"""The structure as aggregate root: its facts (location, contact, mission start, activation) and its posts are
written here, and only here, from the concertation's decisions."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from cnfs.core.workflow import INITIAL, TransitionError
from cnfs.journal.services import record

from .models import JobPosting, Post, PostDeadlineExtension, PostStatus, PostTransition, Structure

# The facts copied from the activated application onto the structure (application field → structure field).
ACTIVATION_FIELDS = {
    "name": "name",
    "usual_name": "usual_name",
    "type": "type",
    "commune": "commune",
    "departement": "departement",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "contact_first_name": "contact_first_name",
    "contact_last_name": "contact_last_name",
    "contact_job_title": "contact_job_title",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
    "start_date": "mission_start",
}


def record_job_posting(posting: JobPosting, *, by) -> JobPosting:
    """Records a structure's job posting, new or its current one edited (the view decides which), with its journal
    entry: url and publication date before and after."""
    new = posting.pk is None
    before = None if new else JobPosting.objects.filter(pk=posting.pk).values("url", "published_on").first()
    with transaction.atomic():
        posting.recorded_by = by
        posting.save()
        record(
            "job_posting.recorded",
            posting,
            by=by,
            before=before,
            after={"url": posting.url, "published_on": posting.published_on, "new": new},
        )
    return posting


def add_months(day: date, months: int) -> date:
    """Same day `months` later, or the last day of that month (31 December + 2 months = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def recruitment_deadline(committee_date: date) -> date:
    from cnfs.concertation import conf

    return add_months(committee_date, conf.recruitment_months())


def record_activation(application, *, by) -> Structure:
    """Creates or updates the structure from its activated application (the application stays the history of the
    request; the structure holds the facts every screen reads). Without coordinates, the commune's centre."""
    with transaction.atomic():
        structure = application.structure or Structure.objects.filter(siret=application.siret).first()
        created = structure is None
        if created:
            structure = Structure(siret=application.siret)
        else:
            structure = Structure.objects.select_for_update().get(pk=structure.pk)
        for source, target in ACTIVATION_FIELDS.items():
            setattr(structure, target, getattr(application, source))
        if structure.latitude is None or structure.longitude is None:
            commune = application.commune
            structure.latitude = commune.latitude if commune else None
            structure.longitude = commune.longitude if commune else None
        structure.activated_at = structure.activated_at or timezone.now()
        structure.save()
        record(
            "structure.activated",
            structure,
            by=by,
            after={
                "application": application.pk,
                "created": created,
                "fields": sorted(ACTIVATION_FIELDS.values()),
            },
        )
    return structure


def grant_posts(decision, *, by) -> list[Post]:
    """A positive decision of N posts (application or addition) creates N posts, each with its own recruitment
    deadline: the committee date plus the recruitment months."""
    structure = decision.application.structure
    if structure is None:
        raise TransitionError("La structure n'est pas encore activée : ses postes ne peuvent pas être créés.")
    if decision.posts <= 0 or decision.granted_posts.exists():
        return []
    deadline = recruitment_deadline(decision.committee_date)
    posts = Post.objects.bulk_create(
        Post(
            structure=structure,
            granted_by=decision,
            committee_date=decision.committee_date,
            deadline=deadline,
        )
        for _ in range(decision.posts)
    )
    _log(posts, "grant", INITIAL, PostStatus.FREE, by=by, reason=f"décision {decision.number}")
    record(
        "post.granted",
        structure,
        by=by,
        after={"decision": decision.pk, "posts": len(posts), "deadline": deadline},
    )
    return posts


def lock_posts(structure):
    """Locks the structure's row and then its posts: returns, retires and holds on one structure are serialised."""
    Structure.objects.select_for_update().get(pk=structure.pk)
    return list(Post.objects.select_for_update().filter(structure=structure).order_by("deadline", "pk"))


def check_return(structure, count: int) -> list[Post]:
    """The free posts a return of `count` posts would retire (the latest deadlines first), or raises: an occupied or
    held post is never given back."""
    posts = lock_posts(structure)
    free = [p for p in posts if p.status == PostStatus.FREE]
    if count > len(free):
        busy = sum(p.status in (PostStatus.HIRE_REQUESTED, PostStatus.OCCUPIED) for p in posts)
        raise TransitionError(
            f"Vous ne pouvez pas rendre {count} poste(s) : {len(free)} poste(s) libre(s) seulement, "
            f"{busy} pourvu(s) ou en cours de recrutement."
        )
    return sorted(free, key=lambda p: (p.deadline, p.pk), reverse=True)[:count]


def retire_posts(decision, *, by) -> list[Post]:
    """A return decision (negative posts) retires that many free posts of the structure."""
    structure = decision.application.structure
    posts = check_return(structure, -decision.posts)
    now = timezone.now()
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        status=PostStatus.RETIRED, retired_by=decision, status_changed_at=now, updated_at=now
    )
    _log(posts, "retire", PostStatus.FREE, PostStatus.RETIRED, by=by, reason=f"décision {decision.number}")
    record(
        "post.retired",
        structure,
        by=by,
        after={"decision": decision.pk, "posts": sorted(p.pk for p in posts)},
    )
    return posts


MAX_EXTENSION_MONTHS = 12


def extend_deadline(post: Post, *, by, deadline: date, reason: str) -> Post:
    """ANCT moves one post's recruitment deadline later, with a reason (kept on the extension, not in the journal)."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Indiquez le motif de la prolongation.")
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status == PostStatus.RETIRED:
            raise TransitionError("Ce poste a été retiré : son délai ne peut pas être prolongé.")
        if deadline <= post.deadline:
            raise TransitionError(
                f"La nouvelle date limite doit être postérieure à l'actuelle ({post.deadline:%d/%m/%Y})."
            )
        if deadline > add_months(max(post.deadline, timezone.localdate()), MAX_EXTENSION_MONTHS):
            raise TransitionError("Une prolongation ne peut pas dépasser 12 mois.")
        previous = post.deadline
        PostDeadlineExtension.objects.create(
            post=post, previous_deadline=previous, deadline=deadline, reason=reason, by=by
        )
        post.deadline = deadline
        post.save(update_fields=["deadline", "updated_at"])
        record(
            "post.deadline_extended",
            post,
            by=by,
            before={"deadline": previous},
            after={"deadline": deadline, "fields": ["deadline", "reason"]},
        )
    return post


def reopen_post(post: Post, *, by, day: date | None = None) -> Post:
    """A post freed by a validated termination is recruited again: its recruitment deadline becomes `day` (today)
    plus the recruitment months. The change is logged in the post's history and journaled. Called inside the
    termination's transaction."""
    day = day or timezone.localdate()
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.FREE:
        raise TransitionError("Ce poste n'est pas libre : son recrutement ne peut pas être rouvert.")
    previous = post.deadline
    post.deadline = recruitment_deadline(day)
    post.save(update_fields=["deadline", "updated_at"])
    _log(
        [post],
        "reopen",
        PostStatus.FREE,
        PostStatus.FREE,
        by=by,
        reason=f"nouvelle date limite {post.deadline:%d/%m/%Y}",
    )
    record("post.reopened", post, by=by, before={"deadline": previous}, after={"deadline": post.deadline})
    return post


POST_MOVES = {
    PostStatus.FREE: "release",
    PostStatus.HIRE_REQUESTED: "hold",
    PostStatus.OCCUPIED: "occupy",
}


def set_post_status(post: Post, status: str, *, by=None, match=None) -> Post:
    """Moves a post along with the match that holds it (called inside the match workflow's transaction), and logs
    the move: the post's occupancy history."""
    before = post.status
    post.status = status
    post.status_changed_at = timezone.now()
    post.save(update_fields=["status", "status_changed_at", "updated_at"])
    reason = f"mise en relation {match.pk}" if match is not None else ""
    _log([post], POST_MOVES.get(status, str(status)), before, status, by=by, reason=reason)
    return post


def _log(posts, name: str, from_status: str, to_status: str, *, by=None, reason: str = ""):
    actor = by if by is not None and getattr(by, "pk", None) else None
    PostTransition.objects.bulk_create(
        PostTransition(
            post=post, name=name, from_status=from_status, to_status=to_status, by=actor, reason=reason
        )
        for post in posts
    )


@dataclass(frozen=True)
class PostsSummary:
    granted: int
    free: int
    hire_requested: int
    occupied: int
    open_for_hire: int
    next_deadline: date | None
    first_free_deadline: date | None  # passed or not


def posts_summary(structure) -> PostsSummary:
    """The structure's posts counted by status, in one query."""
    today = timezone.localdate()
    counts = Post.objects.filter(structure=structure).aggregate(
        granted=Count("pk", filter=~Q(status=PostStatus.RETIRED)),
        free=Count("pk", filter=Q(status=PostStatus.FREE)),
        hire_requested=Count("pk", filter=Q(status=PostStatus.HIRE_REQUESTED)),
        occupied=Count("pk", filter=Q(status=PostStatus.OCCUPIED)),
        open_for_hire=Count("pk", filter=Q(status=PostStatus.FREE, deadline__gte=today)),
        next_deadline=Min("deadline", filter=Q(status=PostStatus.FREE, deadline__gte=today)),
        first_free_deadline=Min("deadline", filter=Q(status=PostStatus.FREE)),
    )
    return PostsSummary(**counts)
