"""Bytes of a first visit (empty browser cache): what Chromium downloads for the public home page and the login page.

    .venv/bin/python -m bench static_weight [--static compressed|plain] [--port 8116]

Collects the static files into var/bench/static with the chosen storage ("compressed": production's, whitenoise with
gzip; "plain": the same files uncompressed), starts gunicorn with bench.settings on an SQLite file (migrated, with the
built-in territories), loads each page in headless Chromium and sums, over every response, the bytes transferred
(encoded body) and the decoded size."""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PAGES = ["/", "/compte/connexion/"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Octets d'une première visite.")
    parser.add_argument("--static", default="compressed", choices=["compressed", "plain"])
    parser.add_argument("--port", type=int, default=8116)
    args = parser.parse_args(argv if argv is not None else (sys.argv[1:] if __name__ == "__main__" else []))
    root = BASE_DIR / "var" / "bench" / "static"
    database = BASE_DIR / "var" / "bench" / "static_weight.sqlite3"
    shutil.rmtree(root, ignore_errors=True)
    database.unlink(missing_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(BASE_DIR),
        "BENCH_STATIC": args.static,
        "BENCH_STATIC_ROOT": str(root),
        "BENCH_SQLITE": str(database),
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (["collectstatic", "--noinput", "-v", "0"], ["migrate", "-v", "0"]):
        subprocess.run([*manage, *command], env=env, cwd=BASE_DIR, check=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", "1", "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=BASE_DIR, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(3)
        measure(args.port, args.static)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return 0


def measure(port, label):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for path in PAGES:
            context = browser.new_context()  # empty cache
            page = context.new_page()
            responses = []
            page.on("requestfinished", lambda request, into=responses: into.append(request))
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
            transferred = decoded = 0
            for request in responses:
                sizes = request.sizes()
                response = request.response()
                transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                decoded += len(response.body()) if response else 0
            print(
                f"{label:<10} {path:<22} {len(responses):3} requêtes : {transferred / 1024:7.1f} Kio transférés, "
                f"{decoded / 1024:7.1f} Kio décompressés"
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
