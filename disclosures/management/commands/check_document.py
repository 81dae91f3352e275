"""``manage.py check_document FILE [FILE ...]``: run the pre-publication safety checks on files.

Prints each finding as ``FILE: [check] location: message`` (or ``FILE: no findings``) and exits
with status 1 when any file has findings or cannot be read, 0 when every file is clean, so that
it can gate a script or a CI job. All the work is done in ``disclosures.safety``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from disclosures.safety import check_document


class Command(BaseCommand):
    help = (
        "Check documents for hazards before publishing them (hidden sheets, tracked changes, "
        "covered-up text, personal data). Exits 1 if anything is found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="documents to check")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        problems = False
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.stderr.write(f"{name}: cannot read file: {exc.strerror or exc}")
                problems = True
                continue
            findings = check_document(data, path.name)
            if not findings:
                self.stdout.write(f"{name}: no findings")
                continue
            problems = True
            for finding in findings:
                location = f" {finding.location}" if finding.location else ""
                self.stdout.write(f"{name}: [{finding.check}]{location}: {finding.message}")
        # A non-zero status, not a CommandError: findings are a result, not a failure of the
        # command, and the report above has already been printed in full.
        if problems:
            raise SystemExit(1)
