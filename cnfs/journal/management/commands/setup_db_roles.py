from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cnfs.journal.roles import role_statements


class Command(BaseCommand):
    help = (
        "Prints (or applies, with --apply) the SQL that creates the PostgreSQL owner role (migrations) and the "
        "application role (no UPDATE, DELETE or TRUNCATE on the journal, owns nothing). See cnfs/journal/roles.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="cnfs_owner", help="rôle propriétaire (migrations)")
        parser.add_argument("--app", default="cnfs_app", help="rôle de l'application (gunicorn, workers)")
        parser.add_argument("--database", help="base de données (par défaut celle de DATABASE_URL)")
        parser.add_argument(
            "--apply", action="store_true", help="exécute les instructions (connecté en superutilisateur)"
        )

    def handle(self, *args, owner, app, database, apply, **options):
        if owner == app:
            raise CommandError("Le rôle de l'application doit être distinct du rôle propriétaire.")
        database = database or connection.settings_dict["NAME"]
        try:
            statements = role_statements(owner=owner, app=app, database=database)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not apply:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("Ces rôles n'existent que sous PostgreSQL.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"Rôles {owner} (propriétaire) et {app} (application) en place.")
        )
