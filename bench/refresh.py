"""The refresh of the search data: how long ``take_snapshot`` takes, how much memory it
needs, where its time goes, and how large the bitmaps it stores are.

    FOILOG_VAR_DIR=var/bench .venv/bin/python bench/refresh.py
    FOILOG_VAR_DIR=var/bench .venv/bin/python bench/refresh.py --add 25000

It runs on the benchmark's own embedded PostgreSQL (see bench/run.py) and its log as
bench/run.py left it. The refresh runs in this process as the worker runs it
(``tasks.refresh_search_data``), while a thread samples, every 0.1 s, the resident
memory of this process and the private memory of its PostgreSQL backend (both grow with
what the refresh holds; the backend's shared buffers are left out, they are the
server's cache). Every SQL statement is timed, and so are the refresh's steps in Python.

Without options it measures a full snapshot of the log. With ``--add N``, N generated
disclosures are first added to the log in one transaction, as an import adds them
(bench/generate.py ``append``); then it measures the worker's refresh (a delta of the
last full snapshot while the changes are few, see ``bitmaps.refresh``) and a full
snapshot of the same log; then the added rows are deleted again and a full snapshot
taken, so that bench/run.py finds the log it generated.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 2**20


class Sampler(threading.Thread):
    """The peak memory of this process (resident) and of a PostgreSQL backend (private:
    its resident memory less what it shares, i.e. the buffer cache)."""

    def __init__(self, backend_pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        import psutil

        self.me = psutil.Process()
        self.backend = psutil.Process(backend_pid)
        self.every = every
        self.peak_rss = self.me.memory_info().rss
        self.start_rss = self.peak_rss
        # Of which the process's own (anonymous) memory, and pages of mapped files.
        self.peak_own = self.peak_file = 0
        self.peak_backend = self.backend_private()
        self.start_backend = self.peak_backend
        self.running = True

    def backend_private(self) -> int:
        memory = self.backend.memory_info()
        return memory.rss - memory.shared

    def run(self) -> None:
        while self.running:
            memory = self.me.memory_info()
            self.peak_rss = max(self.peak_rss, memory.rss)
            self.peak_own = max(self.peak_own, memory.rss - memory.shared)
            self.peak_file = max(self.peak_file, memory.shared)
            self.peak_backend = max(self.peak_backend, self.backend_private())
            time.sleep(self.every)

    def stop(self) -> dict:
        self.running = False
        self.join()
        return {
            "python_rss_start_mb": round(self.start_rss / MB),
            "python_rss_peak_mb": round(self.peak_rss / MB),
            "python_rss_peak_own_mb": round(self.peak_own / MB),
            "python_rss_peak_mapped_files_mb": round(self.peak_file / MB),
            "postgres_backend_private_start_mb": round(self.start_backend / MB),
            "postgres_backend_private_peak_mb": round(self.peak_backend / MB),
        }


class Timings:
    """Seconds spent in each SQL statement (by its first words) and in each step timed."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] += seconds
        self.calls[name] += 1

    def sql(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add("SQL " + " ".join(sql.split())[:70], time.perf_counter() - began)

    def wrap(self, owner, name: str, label: str) -> None:
        """Time every call of ``owner.name`` under ``label``."""
        function = getattr(owner, name)

        @functools.wraps(function)
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - began)

        setattr(owner, name, timed)

    def report(self, top: int = 14) -> list[dict]:
        ordered = sorted(self.seconds.items(), key=lambda item: -item[1])[:top]
        return [
            {"what": name, "seconds": round(seconds, 2), "calls": self.calls[name]}
            for name, seconds in ordered
        ]


def bitmap_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('disclosures_facetbitmap'), "
            "pg_total_relation_size('disclosures_facetsnapshot')"
        )
        bitmaps, snapshots = cursor.fetchone()
        cursor.execute(
            "SELECT kind, count(*) FROM disclosures_facetbitmap GROUP BY kind ORDER BY kind"
        )
        kinds = dict(cursor.fetchall())
    return {
        "facetbitmap_total_mb": round(bitmaps / MB, 1),
        "facetsnapshot_total_mb": round(snapshots / MB, 1),
        "bitmaps_by_kind": kinds,
    }


def measure_refresh(full: bool) -> dict:
    """Run the worker's refresh once (``full``: a full snapshot, whatever changed),
    measured."""
    from django.db import connection

    from disclosures import bitmaps, tasks

    timings = Timings()
    # The refresh's steps (see bitmaps.take_snapshot).
    timings.wrap(bitmaps, "_common_words", "step: choose the common words (ts_stat)")
    timings.wrap(bitmaps._WordsAndPhrases, "read", "step: the two positions passes (all)")
    timings.wrap(bitmaps._WordsAndPhrases, "_add_words", "  python: words' bits")
    timings.wrap(bitmaps, "_pairs_in", "  python: pairs of words")
    timings.wrap(bitmaps._WordsAndPhrases, "_read_triples", "  the second pass: triples")
    timings.wrap(bitmaps, "_keep_bitmaps", "step: facets, positions pass and writing (all)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    sampler = Sampler(backend)
    sampler.start()
    began = time.monotonic()
    with connection.execute_wrapper(timings.sql):
        taken = bitmaps.take_snapshot() if full else None
        size = taken.size if full else tasks.refresh_search_data.call()
    seconds = time.monotonic() - began
    memory = sampler.stop()
    # A new snapshot is read by each server process as it is first searched.
    from disclosures.models import FacetSnapshot

    latest = FacetSnapshot.objects.order_by("-pk").first()
    loaded = None
    if latest is not None:
        bitmaps._snapshot.cache_clear()
        began_loading = time.monotonic()
        bitmaps._snapshot(latest.pk)
        loaded = round(time.monotonic() - began_loading, 2)
    return {
        "taken": "full snapshot" if latest.base_id is None else "delta",
        "entries_changed_since_the_full_snapshot": len(latest.covered) // 8,
        "public_entries_numbered": size,
        "seconds": round(seconds, 1),
        "memory": memory,
        "bitmaps": bitmap_facts(),
        "snapshot_load_seconds": loaded,
        "where_the_time_goes": timings.report(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", type=int, default=0, help="disclosures to add first")
    parser.add_argument("--add-seed", type=int, default=7, help="the added rows' seed")
    parser.add_argument("--keep-added", action="store_true", help="leave them in the log")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    from bench import generate
    from bench.run import code_revision, guard_database, setup

    guard_database()
    setup([])
    from django.core.management import call_command

    from disclosures import bitmaps
    from disclosures.models import Disclosure

    call_command("migrate", verbosity=0)

    report: dict = {"code": code_revision(), "cpus": os.cpu_count()}
    report["log"] = {"disclosures": Disclosure.objects.count()}
    if args.add:
        began = time.monotonic()
        generate.append(args.add, args.add_seed)
        report["added"] = {"rows": args.add, "seconds": round(time.monotonic() - began, 1)}
        print(f"refresh: added {args.add:,} disclosures", flush=True)
    if args.add:
        # What the worker does after the import, then what a full snapshot would cost.
        print("refresh: refreshing as the worker does", flush=True)
        report["refresh"] = measure_refresh(full=False)
        print("refresh: taking a full snapshot", flush=True)
        report["full snapshot"] = measure_refresh(full=True)
        if not args.keep_added:
            removed = generate.remove_appended()
            print(f"refresh: removed the {removed:,} added disclosures", flush=True)
            bitmaps.take_snapshot()
    else:
        print("refresh: taking a full snapshot", flush=True)
        report["full snapshot"] = measure_refresh(full=True)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
