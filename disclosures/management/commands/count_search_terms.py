import time

from django.core.management.base import BaseCommand, CommandError

from disclosures import search

# Below this many matches a search counts its results and facets fast enough by itself
# (about 5 µs a match on two cores): a log smaller than this keeps no counts at all.
DEFAULT_MIN_DOCUMENTS = 10_000


class Command(BaseCommand):
    help = (
        "Choose the search terms found in many published disclosures and count their "
        "results and facets afresh, and the whole log's, so that searching for one of "
        "them, or listing the whole log, needs no pass over the matches. Triggers keep "
        "the counts current as entries change; run this "
        "nightly to sum them up again and to follow the log's vocabulary. Saves to the "
        "log wait while it runs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--min-documents",
            type=int,
            default=DEFAULT_MIN_DOCUMENTS,
            help=f"count terms in at least this many entries (default {DEFAULT_MIN_DOCUMENTS:,})",
        )

    def handle(self, *args, min_documents: int, **options) -> None:
        if min_documents < 1:
            raise CommandError("--min-documents must be at least 1.")
        began = time.monotonic()
        chosen = search.recount_terms(min_documents)
        # The whole log is a term of its own, counted when it is as large.
        words = max(chosen - 1, 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Counted the facets of {words} words found in at least {min_documents:,} "
                f"published disclosures{' and of the whole log' if chosen else ''}, in "
                f"{time.monotonic() - began:.1f} s."
            )
        )
