"""Stored phone numbers rewritten in E.164 ("04 72 00 00 00" and "+33472000000" are one number)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cnfs.core.phones import normalize_stored_phones

    normalize_stored_phones(apps.get_model("accounts", "User").objects.all(), "phone")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_rate_counter")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
