"""The import benchmark: write a police force's log as a CSV of N rows, as an authority
would hand it over, and time ``manage.py import_log`` on it, with its peak memory.

    FOILOG_VAR_DIR=var/bench-import .venv/bin/python bench/import_log.py --rows 10000 100000

For each size, the CSV is written afresh (the same rows for the same seed), the log is
emptied, and a process of its own runs each step: the dry run, the import, and the
import again (which finds every row unchanged), so that each peak resident memory
(``ru_maxrss``) is that step's alone. The rows come from the
search benchmark's generator (``bench/generate.py``): topics, requests and responses of
realistic lengths, outcomes written in the words real logs use, exemptions cited in
their shapes ("Section 40(2)", "S.31(1)(a) and s40(2)", "reg 12(5)(e)"), a received and
a response date day first, keywords, a link, and two columns no field takes. About 3 kB
a row: 100,000 rows make a file of about 300 MB.

Runs only on its own embedded PostgreSQL (it refuses ``DATABASE_URL`` and the
developers' ``var/``), as the search benchmark does.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402
from bench.generate import (  # noqa: E402
    NCND_EXEMPTIONS,
    OUTCOMES,
    PARTIAL_EXEMPTIONS,
    SEED,
    START_DATE,
    LogMaker,
    _draw,
)

HEADINGS = [
    "FOI Reference",
    "Request Title",
    "Request Details",
    "Decision",
    "Exemptions Applied",
    "Date Received",
    "Date of Response",
    "Response",
    "Keywords",
    "Link",
    "Directorate",
    "Officer Notes",
]
# Outcomes as real logs word them, each outcome's wordings about equally often.
WORDINGS = {
    "granted-in-full": ["Information disclosed", "Released in full", "Granted in full"],
    "granted-in-part": ["Partially disclosed", "Part disclosed", "Partial disclosure"],
    "not-held": ["No information held", "Not held", "Information not held"],
    "refused": ["Refused", "Withheld", "Exempt"],
    "refused-cost-limit": ["Exceeds cost limit", "Section 12", "Refused - cost"],
    "refused-vexatious": ["Vexatious", "Repeated request"],
    "neither-confirm-nor-deny": ["NCND", "Neither confirm nor deny"],
}
# Texts of each row drawn this many more times and joined: about 3 kB a row, as in the
# logs that publish each request and response whole.
LONGER = 2
DIRECTORATES = ["Crime", "Operations", "Corporate Services", "People", "Finance", "Estates"]


def citation(slug: str, rng: random.Random) -> str:
    """An exemption's slug (s40-2, eir-12-5-e) as a log cites it."""
    if slug.startswith("eir-"):
        number, *parts = slug.removeprefix("eir-").split("-")
        return rng.choice(["reg ", "Regulation "]) + number + "".join(f"({p})" for p in parts)
    number, *parts = slug.removeprefix("s").split("-")
    number = number.upper() if number.endswith("a") else number
    return rng.choice(["Section ", "S.", "s", "s"]) + number + "".join(f"({p})" for p in parts)


def write_log(path: Path, rows: int, seed: int = SEED) -> None:
    """A CSV of ``rows`` disclosures, as an authority's log."""
    names = {name.lower(): name for _, _, words in corpus.TOPICS for name in words}
    names |= {name.lower(): name for name in [*corpus.GENERAL_KEYWORDS, *corpus.RARE_KEYWORDS]}
    exemptions = {*PARTIAL_EXEMPTIONS, *NCND_EXEMPTIONS, "eir-12-4-a"}
    # Keywords by their own names: the maker's keyword "ids" are then the names.
    maker = LogMaker(rows, seed, names, {}, exemptions)
    rng = maker.rng
    offsets = maker.response_days()
    dates = [START_DATE + datetime.timedelta(days=offset) for offset in offsets]
    references = maker.references(dates)
    topics = _draw(rng, corpus.TOPICS, maker.topic_cw, rows)
    outcomes = _draw(rng, [o for o, _ in OUTCOMES], maker.outcome_cw, rows)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADINGS)
        for index in range(rows):
            outcome = outcomes[index]
            slugs = maker.exemptions_for(outcome)
            year = dates[index].year
            title, request, response = maker.texts(topics[index], outcome, year, slugs)
            # Logs publish the whole correspondence: a request of several parts, and a
            # response of several pages.
            for _ in range(LONGER):
                _, more_request, more_response = maker.texts(topics[index], outcome, year, [])
                request += "\n\n" + more_request
                response += "\n\n" + more_response
            received = dates[index] - datetime.timedelta(days=rng.randint(1, 30))
            cited = rng.choice(["; ", ", ", " and "]).join(citation(s, rng) for s in slugs)
            writer.writerow(
                [
                    references[index],
                    title,
                    request,
                    rng.choice(WORDINGS[outcome]),
                    cited or "N/A",
                    f"{received:%d/%m/%Y}",
                    f"{dates[index]:%d/%m/%Y}",
                    response,
                    ", ".join(maker.keywords_for(topics[index])),
                    f"https://www.example.org/foi/{references[index].replace(' ', '-')}",
                    rng.choice(DIRECTORATES),
                    rng.choice(["", "", "Reviewed", "Chased twice", "Late: staff absence"]),
                ]
            )


def measure(path: Path, step: str) -> dict:
    """In this process, one step with ``path``: its dry run (on an emptied log), its
    import, or its import again (which changes nothing); the time it took and this
    process's peak resident memory."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "foilog.settings"
    os.environ["DEBUG"] = "false"  # with DEBUG on, Django keeps every query in memory
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    from disclosures.models import Disclosure

    if step == "dry-run":
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE disclosures_disclosure, disclosures_keyword, disclosures_searchword, "
                "disclosures_change RESTART IDENTITY CASCADE"
            )
    settled = peak_megabytes()
    out = StringIO()
    began = time.monotonic()
    call_command(
        "import_log",
        str(path),
        *(["--dry-run"] if step == "dry-run" else []),
        stdout=out,
        stderr=StringIO(),
    )
    return {
        "seconds": round(time.monotonic() - began, 1),
        "peak MB": round(peak_megabytes(), 1),
        "before MB": round(settled, 1),
        "said": out.getvalue().strip().splitlines()[-1],
        "entries": Disclosure.objects.count(),
    }


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dir", type=Path, default=None, help="where the CSVs go")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # a child's work
    parser.add_argument("--step", default="import", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from bench.run import guard_database

    var_dir = guard_database()
    if args.measure:
        print(json.dumps(measure(args.measure, args.step)))
        return 0
    folder = args.dir or Path(var_dir) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for rows in args.rows:
        path = folder / f"log-{rows}.csv"
        began = time.monotonic()
        write_log(path, rows)
        megabytes = path.stat().st_size / 1e6
        print(
            f"import_log: wrote {path} ({megabytes:.1f} MB) in {time.monotonic() - began:.0f} s",
            flush=True,
        )
        figures = {"rows": rows, "MB": round(megabytes, 1)}
        for step in ("dry-run", "import", "again"):
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), "--step", step],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ,
            )
            figures[step] = json.loads(child.stdout.strip().splitlines()[-1])
            print(step, json.dumps(figures[step]), flush=True)
        results.append(figures)
    print("\n| rows | file MB | dry run s | peak MB | import s | peak MB | again s | peak MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in results:
        steps = " | ".join(
            f"{f[step]['seconds']} | {f[step]['peak MB']}"
            for step in ("dry-run", "import", "again")
        )
        print(f"| {f['rows']:,} | {f['MB']} | {steps} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
