import time

from django.core.management.base import BaseCommand, CommandError

from disclosures import bitmaps, search
from disclosures.models import CountedTerm, FacetBitmap

# A log smaller than this keeps no counts at all.
DEFAULT_MIN_DOCUMENTS = search.MIN_DOCUMENTS_TO_KEEP


class Command(BaseCommand):
    help = (
        "Choose the search terms found in many published disclosures, and the searches "
        "of several words people made lately that found as many, and count their "
        "results and facets afresh, and the whole log's, so that searching for one of "
        "them, or listing the whole log, needs no pass over the matches. Triggers keep "
        "the counts current as entries change; run this nightly to sum them up again "
        "and to follow the log's vocabulary and its readers' searches; saves to the "
        "log wait meanwhile. Then take a snapshot of the public log, with bitmaps of "
        "its facets, of those terms and of the phrases of two of those words found as "
        "often, from which filtered searches and phrases are counted."
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
        search.recount_terms(min_documents)
        counted = time.monotonic()
        snapshot = bitmaps.take_snapshot(min_documents)
        # The whole log is a term of its own, counted when it is as large.
        whole_log = CountedTerm.objects.filter(lexeme="", is_search=False).exists()
        words = CountedTerm.objects.filter(is_search=False).exclude(lexeme="").count()
        searches = CountedTerm.objects.filter(is_search=True).count()
        also = [f"{searches} searches of several words"] if searches else []
        also += ["the whole log"] if whole_log else []
        self.stdout.write(
            self.style.SUCCESS(
                f"Counted the facets of {words} words found in at least {min_documents:,} "
                f"published disclosures{''.join(f' and of {item}' for item in also)}, in "
                f"{counted - began:.1f} s."
            )
        )
        if snapshot is not None:
            phrases = snapshot.bitmaps.filter(kind=FacetBitmap.Kind.PHRASE).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Took a snapshot of the {snapshot.size:,} public disclosures, with "
                    f"{snapshot.bitmaps.count()} bitmaps ({phrases} of two-word phrases), in "
                    f"{time.monotonic() - counted:.1f} s."
                )
            )
