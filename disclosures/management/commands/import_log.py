from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from disclosures import imports, tasks

# Files with at least this many bytes get progress lines on stderr.
LONG_FILE = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a disclosure log from a CSV or Excel (.xlsx) file of any size, all-or-"
        "nothing unless --skip-invalid: if any row has an error nothing is written. "
        "Existing references are updated in place; re-importing a file changes nothing."
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
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"Heading=field"',
            help="read the column Heading as the field ("
            + ", ".join(field.name for field in imports.known.FIELDS)
            + '); "Heading=" ignores the column. Repeatable.',
        )
        parser.add_argument(
            "--outcome",
            action="append",
            default=[],
            metavar='"Wording=value"',
            help="read an outcome wording as an outcome (granted-in-full, granted-in-part, "
            "not-held, refused, refused-cost-limit, refused-vexatious, "
            "neither-confirm-nor-deny), not-recorded, or skip to leave out rows that are "
            "not answered requests. Repeatable.",
        )
        parser.add_argument(
            "--dates",
            choices=[order.value for order in imports.DateOrder],
            help="the order of dates written with numbers only (03/04/2022), for date "
            "columns that do not show it",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and write the refused ones, each with its reason, "
            "to a CSV to correct and import again",
        )
        parser.add_argument(
            "--refused-file",
            help="where --skip-invalid writes the refused rows (default: beside the file, "
            "its name ending in -refused.csv)",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        verbosity = options["verbosity"]
        refused_file = None
        if options["skip_invalid"]:
            refused_file = Path(
                options["refused_file"] or path.with_name(f"{path.stem}-refused.csv")
            )
        try:
            columns = imports.options_from(options["map"], "--map")
            settings = imports.Options(
                columns=columns,
                outcomes=imports.options_from(options["outcome"], "--outcome"),
                dates=imports.DateOrder(options["dates"]) if options["dates"] else None,
                publish=not options["draft"],
                skip_invalid=options["skip_invalid"],
                refused_file=refused_file,
                # A long file's report keeps the rows with something to say; -v 2 all.
                keep_rows=verbosity >= 2,
            )
            log = imports.read_log(path, sheet=options["sheet"], columns=columns)
            self.long_file = verbosity >= 1 and log.size >= LONG_FILE
            if options["dry_run"]:
                report = imports.dry_run(log, settings, progress=self.progress)
            else:
                report = imports.import_log(log, settings, progress=self.progress)
        except imports.LogFileError as error:
            raise CommandError(str(error)) from None

        self.print_report(report, verbosity)
        rows = sum(report.counts.values())
        if report.has_errors and not options["skip_invalid"]:
            raise CommandError(
                f"{report.counts[imports.Action.ERROR]} of {rows} rows have errors: "
                + ("nothing would be imported." if report.dry_run else "nothing was imported.")
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
        if report.refused_file:
            self.stdout.write(
                f"The refused rows, each with its reason, are in {report.refused_file}: "
                "correct them and import that file."
            )

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

    def progress(self, stage: str, done: int, total: int) -> None:
        if not self.long_file:
            return
        if stage == imports.READING:
            line = f"  reading: {done * 100 // total}%" if total else f"  reading: {done:,} rows"
        else:
            line = f"  {stage}: {done:,} of {total:,} rows"
        if line != getattr(self, "_last_line", None):
            self._last_line = line
            self.stderr.write(line)

    def print_report(self, report: imports.ImportReport, verbosity: int) -> None:
        """The summary first: what each column is read as, how dates are read, and each
        distinct value not understood; then the rows."""
        write = self.stdout.write
        write(
            "Columns: " + "; ".join(f"{field} ← {heading!r}" for field, heading in report.columns)
        )
        if report.ignored_columns:
            write("Ignored: " + ", ".join(report.ignored_columns))
        for note in report.column_notes:
            write(note)
        if report.unrecognised:
            write("Values not understood (column, value, rows, first row):")
            for value in report.unrecognised:
                write(self.style.ERROR(self._counted(value)))
        if report.noted:
            write("Values read with a note (column, value, rows, first row):")
            for value in report.noted:
                write(self._counted(value))
        if report.more_values:
            write(f"… and {report.more_values:,} more distinct values.")
        if report.new_keywords and verbosity >= 1:
            shown = report.new_keywords if verbosity >= 2 else report.new_keywords[:20]
            more = len(report.new_keywords) - len(shown)
            write(
                f"{len(report.new_keywords)} new keywords: {', '.join(shown)}"
                + (f" and {more} more (-v 2 lists them all)" if more else "")
            )
        if verbosity >= 2:
            for row in report.rows:
                line = f"Row {row.number}  {row.reference or '-'}  {row.action}"
                if row.messages:
                    line += "  " + " ".join(row.messages)
                write(self.style.ERROR(line) if row.action == imports.Action.ERROR else line)
        else:
            for error in report.errors:
                write(self.style.ERROR(error))

    @staticmethod
    def _counted(value: imports.ValueCount) -> str:
        shown = repr(value.value) if value.value else "(blank)"
        rows = f"{value.rows:,} row{'s' if value.rows != 1 else ''}"
        return f"  {value.column}: {shown}  {rows}, first row {value.first_row}: {value.message}"
