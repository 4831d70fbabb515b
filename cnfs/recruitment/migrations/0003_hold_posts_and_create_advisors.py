"""Today's holding matches take posts, and today's hires become Advisor records.

Each match from "Valider cette candidature" onwards holds one of its structure's free posts (earliest deadline first;
a structure that hired beyond its decisions gets the missing posts from its latest positive decision, so that no hire
is lost). Its post is then "recrutement demandé" or "pourvu". Every hired person gets one Advisor (active, on the post);
a person whose contract ended gets a terminated one (the next migration then refuses a holding match without a post)."""

import calendar

from django.conf import settings
from django.db import migrations

HOLDING = ("hire_requested", "hired", "termination_requested")


def add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):
    Match = apps.get_model("recruitment", "Match")
    MatchTransition = apps.get_model("recruitment", "MatchTransition")
    Advisor = apps.get_model("recruitment", "Advisor")
    Post = apps.get_model("structures", "Post")
    CommitteeDecision = apps.get_model("concertation", "CommitteeDecision")
    months = getattr(settings, "CNFS_RECRUITMENT_MONTHS", 2)

    for match in Match.objects.filter(status__in=HOLDING, post__isnull=True).order_by("status_changed_at", "id"):
        post = Post.objects.filter(structure_id=match.structure_id, status="free").order_by("deadline", "id").first()
        if post is None:
            decision = (
                CommitteeDecision.objects.filter(application__structure_id=match.structure_id, posts__gt=0)
                .order_by("-committee_date", "-id")
                .first()
            )
            if decision is None:
                continue  # left for the constraint below to report
            post = Post.objects.create(
                structure_id=match.structure_id,
                granted_by=decision,
                committee_date=decision.committee_date,
                deadline=add_months(decision.committee_date, months),
            )
        post.status = "hire_requested" if match.status == "hire_requested" else "occupied"
        post.save(update_fields=["status"])
        match.post = post
        match.save(update_fields=["post"])

    hires = Match.objects.filter(status__in=("hired", "termination_requested", "terminated")).order_by(
        "status_changed_at", "id"
    )
    for match in hires:
        hired = MatchTransition.objects.filter(match=match, to_status="hired").order_by("at").first()
        active = match.status != "terminated"
        Advisor.objects.update_or_create(
            candidate_id=match.candidate_id,
            defaults={
                "structure_id": match.structure_id,
                "post_id": match.post_id if active else None,
                "match": match,
                "status": "active" if active else "terminated",
                "hired_at": hired.at if hired else match.status_changed_at,
                "terminated_at": None if active else match.status_changed_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0002_match_post_and_advisor"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
