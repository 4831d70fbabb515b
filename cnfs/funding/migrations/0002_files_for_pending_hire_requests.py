"""Hire requests made before funding existed get their grant file (draft), as "Valider cette candidature" now opens
one; the structure's job posting is linked when it has one."""

from django.db import migrations
from django.utils import timezone


def open_files(apps, schema_editor):
    Match = apps.get_model("recruitment", "Match")
    GrantFile = apps.get_model("funding", "GrantFile")
    GrantFileTransition = apps.get_model("funding", "GrantFileTransition")
    JobPosting = apps.get_model("structures", "JobPosting")
    postings = {}
    for posting in JobPosting.objects.order_by("published_on", "pk"):
        postings[posting.structure_id] = posting.pk
    pending = Match.objects.filter(status="hire_requested", post__isnull=False).exclude(
        pk__in=GrantFile.objects.exclude(status="cancelled").values("match_id")
    )
    now = timezone.now()
    for match in pending.order_by("pk").iterator():
        grant_file = GrantFile.objects.create(
            structure_id=match.structure_id,
            match_id=match.pk,
            post_id=match.post_id,
            job_posting_id=postings.get(match.structure_id),
            created_at=match.status_changed_at or now,
            status_changed_at=match.status_changed_at or now,
        )
        GrantFileTransition.objects.create(
            grant_file=grant_file, name="open", from_status="", to_status="draft", reason="reprise", at=now
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("recruitment", "0004_holding_match_has_a_post"),
        ("structures", "0005_post_transition_log"),
    ]

    operations = [migrations.RunPython(open_files, migrations.RunPython.noop)]
