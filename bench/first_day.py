"""The first day of a deployment: a real-sized log imported into an empty site, then its
pages timed over HTTP.

    FOILOG_VAR_DIR=var/firstday .venv/bin/python bench/first_day.py --rows 100000

On its own embedded PostgreSQL (``FOILOG_VAR_DIR``, never the developers' ``var/``), it
empties the log, writes a CSV of ``--rows`` disclosures of realistic text from the
import benchmark's writer (bench/import_log.py: about 3 kB a row, 300 MB at 100,000;
another seed than bench/run.py's) with the headings, outcome wordings and citations an
authority's log has, starts the background worker and gunicorn as ``python3 dev.py run``
does (threads, page cache off: ``FOILOG_PAGE_CACHE_SECONDS=0``), and imports the file
with ``manage.py import_log`` while both run; the command returns once the worker has
refreshed the search data. ``--part-mb`` writes the log in parts of at most that size,
imported one after the other, as an authority would upload them through the admin
(whose upload limit is 20 MB); the command line takes a file of any size.

Then it times, one request at a time over HTTP, searches (common and rare words, phrases
of two and of more words), filtered lists and searches, and deep pages, with the median
of each kind and of all of them: the issue asks for a median of 100 ms or less.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("FOILOG_VAR_DIR", str(ROOT / "var" / "firstday"))

import httpx  # noqa: E402

from bench import generate, import_log, load, run  # noqa: E402

# Another log than bench/run.py's: held-out text.
SEED = 20250601


def write_csv(folder: Path, rows: int, seed: int, limit: float) -> list[Path]:
    """The import benchmark's log (bench/import_log.py: an authority's headings and
    wordings, about 3 kB a row) of ``rows`` disclosures, as CSV files of at most
    ``limit`` bytes each (one when it fits), the headings on each; their paths."""
    whole = folder / "first-day.csv"
    import_log.write_log(whole, rows, seed)
    if whole.stat().st_size <= limit:
        return [whole]
    paths: list[Path] = []
    with whole.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        heading = next(reader)
        part = None
        written = math.inf
        line = io.StringIO()
        writer = csv.writer(line)
        for row in reader:
            line.seek(0)
            line.truncate()
            writer.writerow(row)
            text = line.getvalue()
            size = len(text.encode())
            if written + size > limit:
                if part:
                    part.close()
                paths.append(folder / f"first-day-{len(paths) + 1}.csv")
                part = paths[-1].open("w", encoding="utf-8", newline="")
                csv.writer(part).writerow(heading)
                written = part.tell()
            part.write(text)
            written += size
        if part:
            part.close()
    whole.unlink()
    return paths


def urls_to_time(seed: int) -> dict[str, list[str]]:
    """The pages timed, by kind: searches, filtered lists and searches, deep pages."""
    from django.conf import settings
    from django.http import QueryDict

    from disclosures.results import Results

    def total(**query) -> int:
        return Results(QueryDict(urlencode(query, doseq=True))).total

    size = settings.FOILOG_PAGE_SIZE
    words = run.choose_words(seed, 0)
    rare = words["rare"][:2]
    searches = ["police", "information", *rare, '"stop and search"', '"use of force"']
    searches += ['"physical or mental health"', '"body-worn video"', "police drones"]
    filters = run.filter_queries(words)
    deep = []
    for query in ({"q": "police"}, {}, {"q": '"use of force"', "sort": "newest"}):
        last = max(1, math.ceil(total(**query) / size))
        deep += [run.list_url(**query, page=last // 2 + 1), run.list_url(**query, page=last)]
    return {
        "search": [run.list_url(q=text) for text in searches],
        "filtered list or search": [run.list_url(**q) for q in [*filters, *run.LIST_FILTERS]],
        "deep page": deep,
    }


def time_pages(base: str, urls: dict[str, list[str]], rounds: int) -> dict:
    """Each URL ``rounds`` times, one request at a time (after one untimed round); the
    median and p95 of each kind and of all."""
    timed: dict[str, list[float]] = {kind: [] for kind in urls}
    errors = []
    with httpx.Client(base_url=base, headers={"X-Forwarded-Proto": "https"}, timeout=60) as client:
        for round_ in range(rounds + 1):
            for kind, paths in urls.items():
                for path in paths:
                    began = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - began) * 1000
                    if response.status_code != 200:
                        errors.append(f"{path}: {response.status_code}")
                    elif round_:
                        timed[kind].append(elapsed)
    every = [ms for values in timed.values() for ms in values]
    summary = {
        kind: {
            "requests": len(values),
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(run.percentile(values, 0.95), 1),
        }
        for kind, values in timed.items()
        if values
    }
    summary["all"] = {
        "requests": len(every),
        "median_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(run.percentile(every, 0.95), 1) if every else None,
    }
    return {"pages": summary, "errors": errors}


def import_files(paths: list[Path], env: dict) -> list[dict]:
    """``manage.py import_log`` of each file in turn; what each took and said."""
    done = []
    for path in paths:
        began = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", "import_log", str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - began
        load.log(f"imported {path.name} in {seconds:.0f} s (exit {result.returncode})")
        last_lines = (result.stdout + result.stderr).strip().splitlines()[-4:]
        done.append(
            {
                "file": path.name,
                "megabytes": round(path.stat().st_size / 2**20, 1),
                "seconds": round(seconds),
                "exit": result.returncode,
                "said": last_lines,
            }
        )
        if result.returncode:
            raise RuntimeError(f"import_log failed: {result.stdout}\n{result.stderr}")
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="disclosures in the CSV")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=5, help="timed requests per URL")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--part-mb", type=float, help="write the log in parts of this size")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    var_dir = Path(os.environ["FOILOG_VAR_DIR"])
    if os.environ.get("DATABASE_URL") or var_dir.resolve() == (ROOT / "var").resolve():
        sys.exit("first_day: runs only on its own embedded PostgreSQL: FOILOG_VAR_DIR=var/firstday")
    load.VAR_DIR = var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    url = load.start_database()
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        generate.empty_log(cursor)
    load.log("emptied the log")
    folder = var_dir / "import"
    folder.mkdir(exist_ok=True)
    began = time.monotonic()
    limit = args.part_mb * 2**20 if args.part_mb else math.inf
    paths = write_csv(folder, args.rows, args.seed, limit)
    load.log(
        f"wrote {args.rows:,} rows in {len(paths)} file(s) of "
        + ", ".join(f"{p.stat().st_size / 2**20:.0f} MB" for p in paths)
        + f" in {time.monotonic() - began:.0f} s"
    )

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": load.HOST,
        "BEHIND_HTTPS_PROXY": "true",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(var_dir / "media"),
        "FOILOG_PAGE_CACHE_SECONDS": "0",
    }
    env.pop("FOILOG_VAR_DIR")
    static_root = load.collect_static(env)
    worker = load.start_worker(env)
    server = None
    try:
        server = load.start_gunicorn(
            {**env, "STATIC_ROOT": str(static_root)}, args.port, args.workers
        )
        began = time.monotonic()
        imported = import_files(paths, env)
        import_seconds = time.monotonic() - began
        connection.close()
        urls = urls_to_time(args.seed)
        timings = time_pages(f"http://{load.HOST}:{args.port}", urls, args.rounds)
    finally:
        if server is not None:
            load.stop(server)
        load.stop(worker)
    from disclosures.models import Disclosure, FacetSnapshot

    report = {
        "code": run.code_revision(),
        "rows": args.rows,
        "public": Disclosure.objects.public().count(),
        "snapshot": FacetSnapshot.objects.values("size", "taken_at").last(),
        "import": {"files": imported, "seconds": round(import_seconds)},
        "timings": timings,
        "urls": urls,
    }
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 1 if timings["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
