import subprocess
import sys

from django.conf import settings

PROD_CHECK = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.prod'; django.setup()"


def run_prod(env):
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "-c", PROD_CHECK],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_without_its_variables():
    complete = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cnfs.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/cnfs",
    }
    for missing in complete:
        env = {k: v for k, v in complete.items() if k != missing}
        result = run_prod(env)
        assert result.returncode != 0
        assert f"{missing} est obligatoire" in result.stderr
    assert run_prod(complete).returncode == 0


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    from config.settings import base

    if "sqlite3" in base.DATABASES["default"]["ENGINE"]:
        options = base.DATABASES["default"]["OPTIONS"]
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5
