from django.db import migrations


def build_departement_rollups(apps, schema_editor):
    from cnfs.activity import rollups

    rollups._write_departements(using=schema_editor.connection.alias, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("activity", "0005_departement_rollups")]

    operations = [migrations.RunPython(build_departement_rollups, migrations.RunPython.noop)]
