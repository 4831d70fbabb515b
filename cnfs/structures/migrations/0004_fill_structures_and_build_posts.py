"""Today's data into the new records: each structure takes its facts (location, contact, mission start, activation)
from its activated application, and the committee decisions become posts (one row per post granted, the returns
retiring free posts, the latest deadlines first)."""

import calendar

from django.conf import settings
from django.db import migrations

FIELDS = {
    "name": "name",
    "usual_name": "usual_name",
    "type": "type",
    "commune_id": "commune_id",
    "departement_id": "departement_id",
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


def add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    Post = apps.get_model("structures", "Post")
    StructureApplication = apps.get_model("concertation", "StructureApplication")
    ApplicationTransition = apps.get_model("concertation", "ApplicationTransition")
    CommitteeDecision = apps.get_model("concertation", "CommitteeDecision")
    months = getattr(settings, "CNFS_RECRUITMENT_MONTHS", 2)

    for structure in Structure.objects.all():
        application = (
            StructureApplication.objects.filter(structure=structure, status="activated")
            .select_related("commune")
            .order_by("-submitted_at", "-id")
            .first()
        )
        if application is None:
            continue
        for source, target in FIELDS.items():
            value = getattr(application, source)
            if value is not None or target not in ("commune_id", "departement_id"):
                setattr(structure, target, value)
        if (structure.latitude is None or structure.longitude is None) and application.commune is not None:
            structure.latitude, structure.longitude = application.commune.latitude, application.commune.longitude
        activation = (
            ApplicationTransition.objects.filter(application=application, name="activate").order_by("at").first()
        )
        structure.activated_at = activation.at if activation else application.updated_at
        structure.save()

    decisions = (
        CommitteeDecision.objects.filter(application__structure__isnull=False)
        .exclude(posts=0)
        .select_related("application")
        .order_by("committee_date", "id")
    )
    for decision in decisions:
        structure_id = decision.application.structure_id
        if decision.posts > 0:
            deadline = add_months(decision.committee_date, months)
            Post.objects.bulk_create(
                Post(
                    structure_id=structure_id,
                    granted_by=decision,
                    committee_date=decision.committee_date,
                    deadline=deadline,
                    status="free",
                )
                for _ in range(decision.posts)
            )
        else:
            free = Post.objects.filter(structure_id=structure_id, status="free").order_by("-deadline", "-id")
            ids = list(free.values_list("pk", flat=True)[: -decision.posts])
            Post.objects.filter(pk__in=ids).update(status="retired", retired_by=decision)


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0003_structure_facts_and_posts"),
        ("concertation", "0007_decision_number_unique"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
