from django.db import migrations


def build_rollups(apps, schema_editor):
    from cnfs.activity import rollups

    rollups.rebuild(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("activity", "0003_activity_rollups")]

    operations = [migrations.RunPython(build_rollups, migrations.RunPython.noop)]
