import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from disclosures import imports, tasks

# Files with at least this many rows get progress lines on stderr.
LONG_FILE = 1000


class Command(BaseCommand):
    help = (
        "Import a disclosure log from a CSV or Excel (.xlsx) file, all-or-nothing: if any row "
        "has an error nothing is written. Existing references are updated in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the log, a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; write nothing"
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="make new disclosures drafts instead of publishing them on their response date",
        )
        parser.add_argument("--sheet", help="the sheet to read (default: the first visible one)")
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help=(
                "return once the rows are written, without waiting for the background "
                "worker to refresh the search data"
            ),
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        verbosity = options["verbosity"]
        try:
            with path.open("rb") as file:
                log = imports.read_log(file, path.name, sheet=options["sheet"])
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except imports.LogFileError as error:
            raise CommandError(str(error)) from None

        progress = self.progress if verbosity >= 1 and len(log.rows) >= LONG_FILE else None
        if progress:
            doing = "checking" if options["dry_run"] else "checking, then writing"
            self.stderr.write(f"{path.name}: {len(log.rows):,} rows, {doing}…")
        if options["dry_run"]:
            report = imports.dry_run(log, publish=not options["draft"], progress=progress)
        else:
            report = imports.import_log(log, publish=not options["draft"], progress=progress)

        self.print_report(report, verbosity)
        if report.has_errors:
            raise CommandError(
                f"{len(report.error_rows)} of {len(report.rows)} rows have errors: "
                "nothing was imported."
            )
        if report.written:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {report.summary()}."))
            refresh = tasks.refresh_after_import()
            if not tasks.worker_is_running():
                self.stderr.write(
                    "The search data will be refreshed when the background worker runs: "
                    "start it with `manage.py run_worker` (python3 dev.py run does). Until "
                    "then searches count their matches themselves, more slowly."
                )
            elif not options["no_wait"]:
                self.wait_for_refresh(refresh)
        else:
            self.stdout.write(f"Dry run of {path.name}: {report.summary()}. Nothing was written.")

    # How long to wait for the worker to take the refresh before leaving it queued.
    WORKER_TAKES_WITHIN = 60

    def wait_for_refresh(self, refresh) -> None:
        """Wait while the background worker refreshes the search data, so that searches
        are as fast as they will be when the command returns."""
        self.stderr.write("Waiting for the background worker to refresh the search data…")
        began = time.monotonic()
        while refresh.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            if (
                refresh.status == TaskResultStatus.READY
                and time.monotonic() - began > self.WORKER_TAKES_WITHIN
            ):
                self.stderr.write(
                    "The worker has not taken the refresh yet: it stays queued, and "
                    "searches count their matches themselves until it is done."
                )
                return
            time.sleep(1)
            refresh.refresh()
        if refresh.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Search data refreshed in {time.monotonic() - began:.0f} s.")
        else:
            self.stderr.write(
                "The refresh of the search data failed; the worker will try again within a "
                "minute. The import itself is complete."
            )

    def progress(self, done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        if percent != getattr(self, "_last_percent", None):
            self._last_percent = percent
            self.stderr.write(f"  {percent}%")

    def print_report(self, report: imports.ImportReport, verbosity: int) -> None:
        if report.unknown_columns:
            self.stdout.write(
                "Ignored columns: " + ", ".join(repr(c) for c in report.unknown_columns)
            )
        if report.new_keywords and verbosity >= 1:
            shown = report.new_keywords if verbosity >= 2 else report.new_keywords[:20]
            more = len(report.new_keywords) - len(shown)
            self.stdout.write(
                f"{len(report.new_keywords)} new keywords: {', '.join(shown)}"
                + (f" and {more} more (-v 2 lists them all)" if more else "")
            )
        if verbosity >= 2:
            for row in report.rows:
                line = f"Row {row.number}  {row.reference or '-'}  {row.action}"
                if row.messages:
                    line += "  " + " ".join(row.messages)
                style = self.style.ERROR if row.action == imports.Action.ERROR else str
                self.stdout.write(style(line))
        else:
            for error in report.errors:
                self.stdout.write(self.style.ERROR(error))
