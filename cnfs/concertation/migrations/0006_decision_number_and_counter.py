"""Decision numbers are stored: a per-year counter row (locked while a number is taken) and a unique number on each
decision. Existing decisions are numbered in (committee_date, id) order within each year."""

from django.db import migrations, models


def number_existing_decisions(apps, schema_editor):
    CommitteeDecision = apps.get_model("concertation", "CommitteeDecision")
    DecisionCounter = apps.get_model("concertation", "DecisionCounter")
    last = {}
    for decision in CommitteeDecision.objects.order_by("committee_date", "id").only("pk", "committee_date"):
        year = decision.committee_date.year
        last[year] = last.get(year, 0) + 1
        CommitteeDecision.objects.filter(pk=decision.pk).update(number=f"{year}-{last[year]:05d}")
    for year, value in last.items():
        DecisionCounter.objects.update_or_create(year=year, defaults={"last": value})


class Migration(migrations.Migration):
    dependencies = [
        ("concertation", "0005_waiting_for_wave_decision_without_opinion_change_log"),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionCounter",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("last", models.PositiveIntegerField(default=0)),
            ],
            options={"verbose_name": "compteur des décisions"},
        ),
        migrations.AddField(
            model_name="committeedecision",
            name="number",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="numéro"),
        ),
        migrations.RunPython(number_existing_decisions, migrations.RunPython.noop),
    ]
