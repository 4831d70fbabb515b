"""Every decision has its number, unique (in its own migration: PostgreSQL does not alter a table whose rows the
previous data migration has just updated)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concertation", "0006_decision_number_and_counter"),
    ]

    operations = [
        migrations.AlterField(
            model_name="committeedecision",
            name="number",
            field=models.CharField(editable=False, max_length=12, unique=True, verbose_name="numéro"),
        ),
    ]
