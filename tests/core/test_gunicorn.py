"""The README's gunicorn command runs as several instances on one host: each serves its port and answers on its own
control socket (gunicorn ≥ 25 opens one, shared by default between the instances of a user)."""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.ctl.client import ControlClient

README = Path(settings.BASE_DIR) / "README.md"


def documented_command() -> list[str]:
    text = " ".join(README.read_text(encoding="utf-8").split())
    found = re.search(r"`(gunicorn config\.wsgi:application [^`]+)`", text)
    assert found, "README: gunicorn command not found"
    return shlex.split(found.group(1))


def option(argv, name):
    return argv[argv.index(name) + 1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instance_command(argv, port, tmp_path) -> list[str]:
    """The documented command on another port, its control socket path following the port; one worker is enough."""
    argv = list(argv)
    bind = option(argv, "--bind")
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    socket_path = option(argv, "--control-socket")
    argv[argv.index("--control-socket") + 1] = str(
        tmp_path / Path(socket_path.replace(bind.split(":")[-1], str(port))).name
    )
    argv[argv.index("--workers") + 1] = "1"
    return [sys.executable, "-m", *argv]


def test_the_documented_command_gives_each_instance_its_own_control_socket():
    argv = documented_command()
    assert argv[:2] == ["gunicorn", "config.wsgi:application"]
    port = option(argv, "--bind").rsplit(":", 1)[1]
    assert port in Path(option(argv, "--control-socket")).name, "one control socket per port"
    from gunicorn.config import Config

    config = Config()
    parsed = config.parser().parse_args(argv[1:])
    assert parsed.control_socket.endswith(f"gunicorn-{port}.ctl") and parsed.bind == ["127.0.0.1:8000"]


def wait_for(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.2)
    return None


def test_two_instances_of_the_documented_command_serve_side_by_side(tmp_path):
    argv = documented_command()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),  # the default control socket would live here: it must stay unused
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    instance_command(argv, port, tmp_path),
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 30
        for port in ports:
            assert wait_for(f"http://127.0.0.1:{port}/", deadline) == 200, (
                f"instance on {port} does not serve"
            )
        masters = set()
        for port, process in zip(ports, processes, strict=True):
            assert process.poll() is None
            with ControlClient(str(tmp_path / f"gunicorn-{port}.ctl"), timeout=5) as client:
                workers = client.send_command("show workers")["workers"]
            assert len(workers) == 1
            masters.add(os.getpgid(workers[0]["pid"]))
        assert masters == {process.pid for process in processes}  # each socket answers for its own instance
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip(reason="Unix sockets and process groups")
