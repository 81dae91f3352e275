import time

from django.core.management.base import BaseCommand, CommandError

from disclosures import bitmaps
from disclosures.models import FacetBitmap


class Command(BaseCommand):
    help = (
        "Take a fresh snapshot of the public log for search: number its entries and keep "
        "the bitmaps of its facets, of the words in many entries and of the phrases of "
        "two such words, from which searches and filtered lists are counted and paged. "
        "With --changes-only, keep only the entries changed since the last full snapshot "
        "in a delta of it, which costs what changed rather than what the log holds. "
        "The background worker does this by itself after every import and whenever "
        "enough entries have changed; run it by hand only to time it, or from your own "
        "schedule on a very large log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--min-documents",
            type=int,
            default=bitmaps.SNAPSHOT_FROM,
            help=(
                "keep bitmaps of words and phrases in at least this many public entries, "
                f"and take no snapshot of a smaller log (default {bitmaps.SNAPSHOT_FROM:,})"
            ),
        )
        parser.add_argument(
            "--changes-only",
            action="store_true",
            help="take a delta of the last full snapshot, holding the entries changed since",
        )

    def handle(self, *args, min_documents: int, changes_only: bool, **options) -> None:
        if min_documents < 1:
            raise CommandError("--min-documents must be at least 1.")
        began = time.monotonic()
        if changes_only:
            delta = bitmaps.take_delta()
            if delta is None:
                raise CommandError(
                    "There is no full snapshot to take a delta of: run without --changes-only."
                )
            changed = len(delta.covered) // 8
            self.stdout.write(
                self.style.SUCCESS(
                    f"Took a delta of the {changed:,} entries changed since the last full "
                    f"snapshot, {delta.size:,} of them public, in {time.monotonic() - began:.1f} s."
                )
            )
            return
        snapshot = bitmaps.take_snapshot(min_documents)
        if snapshot is None:
            self.stdout.write(
                f"The public log has fewer than {min_documents:,} entries: it needs no "
                "snapshot, and searches count their matches themselves."
            )
            return
        words = snapshot.bitmaps.filter(kind=FacetBitmap.Kind.TERM).count()
        phrases = snapshot.bitmaps.filter(kind=FacetBitmap.Kind.PHRASE).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Took a snapshot of the {snapshot.size:,} public disclosures, with bitmaps "
                f"of {words:,} words and {phrases:,} phrases in at least {min_documents:,} "
                f"of them, in {time.monotonic() - began:.1f} s."
            )
        )
