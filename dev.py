#!/usr/bin/env python3
"""The two commands of the README: install everything, then serve the demo or run the tests.

    python3 dev.py run    # http://127.0.0.1:8000 with the demo log, and the worker
    python3 dev.py test   # the whole test suite

Needs only Python 3.11+ and git: it makes a virtual environment in .venv, installs the
project into it (again only when pyproject.toml changes), and uses the embedded
PostgreSQL unless DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".foilog-installed"
# pytest's exit code when it collected no tests: a run that tested nothing is a failure.
PYTEST_NO_TESTS = 5


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def install() -> None:
    """Create .venv and install foilog with its test tools, when anything changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 -- say so plainly on an older Python
        sys.exit("foilog needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("Installing foilog and its dependencies")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; install it when it is missing and we may."""
    if find_chromium():
        return
    can_install = shutil.which("apt-get") and (os.environ.get("CI") == "true" or os.geteuid() == 0)
    if not can_install:
        say("Chromium is missing: the browser tests will fail. Install Debian's 'chromium'.")
        return
    say("Installing Chromium for the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "chromium", env=env)


def serve() -> int:
    """The demo as a visitor will see it: DEBUG off (the designed error pages), served by
    gunicorn as in production but over plain HTTP on loopback, with the background worker
    beside it. DEBUG=true gives Django's development server instead."""
    debug = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on")
    env = {**os.environ, "DEBUG": "true" if debug else "false", "PLAIN_HTTP": "true"}
    # Emails (alert confirmations and digests) are printed by the worker, never sent, and
    # their links lead back to this demo.
    env |= {"EMAIL_URL": "console://", "FOILOG_SITE_URL": "http://127.0.0.1:8000"}
    manage = [str(PYTHON), "manage.py"]
    say("Preparing the database")
    run(*manage, "migrate", "--no-input", env=env)
    run(*manage, "load_demo", env=env)
    say("Starting the background worker")
    worker = subprocess.Popen([*manage, "run_worker"], cwd=ROOT, env=env)
    say("Serving the disclosure log at http://127.0.0.1:8000 (Ctrl-C to stop)")
    if debug:
        server = [*manage, "runserver", "127.0.0.1:8000"]
    else:
        server = [str(VENV / "bin" / "gunicorn"), "--config", "gunicorn.conf.py"]
        env |= {"GUNICORN_BIND": "127.0.0.1:8000", "GUNICORN_WORKERS": "2"}
        env |= {"GUNICORN_THREADS": "4", "DB_POOL": "true"}
    try:
        return subprocess.call(server, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def test(extra: list[str]) -> int:
    ensure_chromium()
    say("Checking the modules' layers and that no imports go round in a cycle")
    if subprocess.call([str(VENV / "bin" / "lint-imports"), "--no-cache"], cwd=ROOT) != 0:
        return 1
    code = subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    if code == PYTEST_NO_TESTS:
        say("pytest collected no tests: that is a failure, not a pass.")
        return 1
    return code


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    install()
    if sys.argv[1] == "run":
        return serve()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
