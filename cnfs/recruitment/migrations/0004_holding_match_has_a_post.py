"""A holding match (from "Valider cette candidature" to the end of the contract) always holds a post. In its own
migration: PostgreSQL does not alter a table whose rows the previous data migration has just updated."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0003_hold_posts_and_create_advisors"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="match",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status__in", ("hire_requested", "hired", "termination_requested")), _negated=True), ("post__isnull", False), _connector="OR"), name="match_holding_has_post"),
        ),
    ]
