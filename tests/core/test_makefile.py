"""`make run` gives the server and the worker a CNFS_BASE_URL that follows its PORT, so email links work."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make absent")


def _run_commands(*args, env=None):
    """What `make run` would execute (dry run: nothing is started)."""
    environment = {k: v for k, v in os.environ.items() if k != "CNFS_BASE_URL"} | (env or {})
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _processes(output):
    return [line for line in output.splitlines() if "db_worker" in line or "runserver" in line]


def test_the_server_and_the_worker_get_a_base_url_following_the_port():
    lines = _processes(_run_commands("PORT=8080"))
    assert len(lines) == 2
    for line in lines:
        assert "CNFS_BASE_URL=http://127.0.0.1:8080 " in line
    assert lines[1].rstrip().endswith("runserver 127.0.0.1:8080")


def test_the_default_port_is_8000_and_an_explicit_base_url_wins():
    assert all("CNFS_BASE_URL=http://127.0.0.1:8000 " in line for line in _processes(_run_commands()))
    output = _run_commands("PORT=8081", env={"CNFS_BASE_URL": "https://cnfs.exemple.fr"})
    assert all("CNFS_BASE_URL=https://cnfs.exemple.fr " in line for line in _processes(output))
