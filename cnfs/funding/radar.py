"""The deadline radar (§8 of issue 9): per post, the chain committee → job posting (a contract is signable 30 days
after it) → hire requested → file transmitted → conformity (15 days) → contract → T1 → T2 → T3, each step done
(its date), due (its date), at risk (due within CNFS_RADAR_AT_RISK_DAYS days) or late, and the post's overall risk.

Computed from the stored rows (Post, Match, GrantFile, Contract, Tranche, Payment, JobPosting) with a fixed number of
queries (prefetches), whatever the number of posts."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.recruitment.models import HOLDING_STATUSES, Match, MatchTransition
from cnfs.structures.models import JobPosting, Post, PostStatus

from .models import Contract, ContractStatus, FileStatus, GrantFile, Tranche, TrancheStatus

LATE, AT_RISK, DUE, UPCOMING, DONE = "late", "at_risk", "due", "upcoming", "done"
STATE_LABELS = {
    LATE: "En retard",
    AT_RISK: "À risque",
    DUE: "À venir",
    UPCOMING: "Pas encore daté",
    DONE: "Fait",
}
RISK_ORDER = {LATE: 0, AT_RISK: 1, DUE: 2, UPCOMING: 3, DONE: 4}
RISK_CHOICES = [(LATE, "En retard"), (AT_RISK, "À risque"), (DUE, "Dans les temps"), (DONE, "Terminé")]


def at_risk_days() -> int:
    return getattr(settings, "CNFS_RADAR_AT_RISK_DAYS", 15)


def posting_days() -> int:
    return getattr(settings, "CNFS_JOB_POSTING_MIN_DAYS", 30)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    done_on: date | None
    due_on: date | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class PostRadar:
    post: Post
    steps: list[Step]
    risk: str
    next_due: date | None

    @property
    def risk_label(self) -> str:
        return STATE_LABELS[self.risk] if self.risk != DUE else "Dans les temps"

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)


def _day(value):
    if value is None:
        return None
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def _state(done: bool, due_on, today: date, risk_days: int) -> str:
    if done:
        return DONE
    if due_on is None:
        return UPCOMING
    if due_on < today:
        return LATE
    if (due_on - today).days <= risk_days:
        return AT_RISK
    return DUE


def with_radar_rows(posts):
    """The prefetches the radar reads: a fixed number of queries for any number of posts."""
    return posts.select_related("structure__departement").prefetch_related(
        Prefetch(
            "matches",
            queryset=Match.objects.filter(status__in=HOLDING_STATUSES).prefetch_related(
                Prefetch(
                    "transitions",
                    queryset=MatchTransition.objects.filter(name="request_hire"),
                    to_attr="hire_requests",
                )
            ),
            to_attr="holding",
        ),
        Prefetch("grant_files", queryset=GrantFile.objects.live(), to_attr="live_files"),
        Prefetch(
            "contracts",
            queryset=Contract.objects.filter(status=ContractStatus.ACTIVE).prefetch_related(
                Prefetch(
                    "tranches",
                    queryset=Tranche.objects.forecast().select_related("payment").order_by("number"),
                    to_attr="live_tranches",
                )
            ),
            to_attr="active_contracts",
        ),
        Prefetch(
            "structure__job_postings",
            queryset=JobPosting.objects.latest_first().annotate(files=Count("grant_files")),
            to_attr="postings",
        ),
    )


def post_radar(post: Post, *, today: date, risk_days: int) -> PostRadar:
    match = post.holding[0] if post.holding else None
    grant_file = next((f for f in post.live_files if match is not None and f.match_id == match.pk), None)
    contract = post.active_contracts[0] if post.active_contracts else None
    postings = post.structure.postings
    posting = None
    if grant_file is not None and grant_file.job_posting_id:
        posting = next((p for p in postings if p.pk == grant_file.job_posting_id), None)
    if posting is None and postings:
        current = postings[0]
        # A post free again needs a posting no recruitment relies on yet.
        if post.status != PostStatus.FREE or not current.files:
            posting = current
    hire_request = match.hire_requests[-1] if match is not None and match.hire_requests else None
    transmitted = grant_file.transmitted_at if grant_file is not None else None
    conform = grant_file is not None and grant_file.status == FileStatus.CONFORM
    # (key, label, done, done on, due on)
    raw = [
        ("committee", "Comité de sélection", True, post.committee_date, None),
        (
            "job_posting",
            "Offre d'emploi publiée (contrat signable 30 jours après)",
            posting is not None,
            posting.published_on if posting else None,
            post.deadline - timedelta(days=posting_days()),
        ),
        (
            "hire_requested",
            "Recrutement demandé",
            match is not None,
            _day(hire_request.at) if hire_request else None,
            post.deadline,
        ),
        (
            "file_transmitted",
            "Dossier complet transmis",
            transmitted is not None,
            _day(transmitted),
            post.deadline,
        ),
        (
            "conformity",
            "Conformité (15 jours)",
            conform,
            _day(grant_file.decided_at) if conform else None,
            grant_file.review_deadline if grant_file is not None else None,
        ),
        (
            "contract",
            "Contrat signé",
            contract is not None,
            contract.signed_on if contract else None,
            post.deadline,
        ),
    ]
    tranches = {t.number: t for t in contract.live_tranches} if contract is not None else {}
    for number in (1, 2, 3):
        tranche = tranches.get(number)
        paid = tranche is not None and tranche.status == TrancheStatus.PAID
        payment = getattr(tranche, "payment", None) if paid else None
        raw.append(
            (
                f"t{number}",
                f"Tranche {number}",
                paid,
                payment.paid_on if payment is not None else None,
                tranche.due_on if tranche is not None else None,
            )
        )
    # A step after a done one is past: an earlier step without its row (e.g. data from before the platform) is done.
    last_done = max(i for i, row in enumerate(raw) if row[2])
    steps = []
    for index, (key, label, done, done_on, due_on) in enumerate(raw):
        done = done or index < last_done
        steps.append(Step(key, label, done, done_on, due_on, _state(done, due_on, today, risk_days)))
    risk = min((s.state for s in steps), key=RISK_ORDER.__getitem__)
    pending = [s.due_on for s in steps if not s.done and s.due_on is not None]
    return PostRadar(post, steps, risk, min(pending) if pending else None)


def radar(posts, *, today: date | None = None, risk: str | None = None) -> list[PostRadar]:
    """The radar rows of `posts` (a queryset), sorted by risk then next due date; only those of `risk` if given."""
    today = today or timezone.localdate()
    days = at_risk_days()
    rows = [post_radar(p, today=today, risk_days=days) for p in with_radar_rows(posts.granted())]
    if risk:
        rows = [r for r in rows if r.risk == risk]
    rows.sort(key=lambda r: (RISK_ORDER[r.risk], r.next_due or date.max, r.post.pk))
    return rows


def posts_for(role_context, *, today: date | None = None):
    """The posts a role follows on the radar: a structure its own, a préfecture its territory, ANCT every post, the
    Banque des Territoires its queue (a file transmitted, or a tranche due within the at-risk days)."""
    role = role_context.role
    posts = Post.objects.granted()
    if role == Role.STRUCTURE:
        return posts.filter(structure_id=role_context.current.structure_id)
    if role == Role.PREFECTURE:
        return posts.filter(structure__departement_id__in=role_context.departement_codes)
    if role == Role.ANCT:
        return posts
    if role == Role.BDT:
        horizon = (today or timezone.localdate()) + timedelta(days=at_risk_days())
        queue = Q(grant_files__status=FileStatus.TRANSMITTED) | Q(
            tranches__status=TrancheStatus.SCHEDULED, tranches__due_on__lte=horizon
        )
        return posts.filter(pk__in=Post.objects.filter(queue).values("pk"))
    return posts.none()
