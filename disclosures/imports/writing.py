"""Writing the entries of an import, a chunk at a time: new keywords, new and changed
disclosures, their links and clarifications, and their history, in a few statements per
chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from disclosures.imports.files import LogFile
from disclosures.imports.plan import (
    NOT_RECORDED_VALUES,
    Clarified,
    Entry,
    Keywords,
    Options,
    Progress,
    run,
)
from disclosures.imports.report import Action, ImportReport
from disclosures.imports.values import ExemptionIndex
from disclosures.models import Clarification, Disclosure, Keyword

# Imported logs were already public: a new entry is published at 09:00 UK time on the day
# of its response, whatever the server's time zone. One whose log recorded no response
# date is published when it is imported: nothing else says when it was.
PUBLISHED_AT_TIME = dt.time(9, 0)
UK = ZoneInfo("Europe/London")


def _in_database_order(pks: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Each keyword's rank in the database's order of names (its collation, not Python's,
    as the trigger orders them) and its name, in one query."""
    found = Keyword.objects.filter(pk__in=set(pks)).values_list("pk", "name")
    return {pk: (rank, name) for rank, (pk, name) in enumerate(found)}


def _clarifications_text(clarifications: Iterable[Clarified]) -> str:
    """Clarifications as the history records them (``Disclosure.snapshot``)."""
    return ", ".join(
        str(Clarification(asked=asked, answered=answered)) for asked, answered in clarifications
    )


class Writer:
    """Writes the entries settled for creation or update, with their links and history.

    ``user`` is recorded as the last to change each entry written, and in its history.
    """

    def __init__(
        self,
        log: LogFile,
        options: Options,
        keywords: Keywords,
        exemptions: ExemptionIndex,
        user: Any = None,
    ) -> None:
        self.log, self.options, self.keywords = log, options, keywords
        self.exemptions, self.user = exemptions, user
        self.now = timezone.now()

    def write(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        self._make_new_keywords()
        keyword_ids = {
            entry.reference: {pk for pk in self.keywords.ids(entry.keyword_names or ()) if pk}
            for entry in entries
        }
        named = _in_database_order(
            {pk for ids in keyword_ids.values() for pk in ids}
            | {pk for entry in entries for pk in entry.keywords_before}
        )

        def in_order(pks: Iterable[int]) -> list[tuple[int, str]]:
            return [(pk, named[pk][1]) for pk in sorted(pks, key=lambda pk: named[pk][0])]

        def listed(pks: Iterable[int]) -> str:
            return ", ".join(name for _, name in in_order(pks))

        creates = [entry for entry in entries if entry.action == Action.CREATE]
        updates = [entry for entry in entries if entry.action == Action.UPDATE]
        states = self._create(creates, keyword_ids, in_order, listed)
        states += self._update(updates, keyword_ids, listed)
        Disclosure.record_changes(states, by=self.user)

    def _make_new_keywords(self) -> None:
        """Make the keywords the rows noted that the log has not, with slugs not yet
        taken."""
        book = self.keywords
        made = []
        for name in book.new.values():
            base = slugify(name)[:90].strip("-")
            slug, n = base, 1
            while slug in book.slugs:
                n += 1
                slug = f"{base}-{n}"
            book.slugs.add(slug)
            made.append(Keyword(name=name, slug=slug))
        for keyword in Keyword.objects.bulk_create(made, batch_size=1000):
            book.by_name[keyword.name.lower()] = keyword.pk
            book.created.append(keyword.name)
        book.new = {}

    def _create(self, entries, keyword_ids, in_order, listed) -> list:
        # Every write of a disclosure recomputes its search vector and search words, the
        # costliest part of an import. Inserting keyword links after their disclosures
        # would make the link triggers rewrite each new row at once. So new disclosures
        # take their ids from the sequence first, their links go in before them (Django's
        # foreign keys are checked at commit), the triggers find no row to refresh, and
        # each row is written once, with the columns the triggers keep already set
        # (``Disclosure.link_columns``). This halves the time of a large import.
        new = []
        states = []
        for entry, pk in zip(entries, _next_disclosure_ids(len(entries)), strict=True):
            exemption_ids = entry.exemption_ids or []
            disclosure = Disclosure(
                pk=pk,
                reference=entry.reference,
                updated_by=self.user,
                imported_row=entry.imported_row(self.log),
                **{**NOT_RECORDED_VALUES, **entry.values},
                **Disclosure.link_columns(in_order(keyword_ids[entry.reference]), exemption_ids),
            )
            if self.options.publish and not entry.needs_review:
                disclosure.status = Disclosure.Status.PUBLISHED
                disclosure.published_at = (
                    dt.datetime.combine(disclosure.response_date, PUBLISHED_AT_TIME, tzinfo=UK)
                    if disclosure.response_date
                    else self.now
                )
            entry.existing = disclosure
            new.append(disclosure)
            after = disclosure.state(
                exemptions=self.exemptions.cited(exemption_ids),
                keywords=listed(keyword_ids[entry.reference]),
                clarifications=_clarifications_text(entry.clarifications or ()),
            )
            states.append((disclosure, {}, after))
        _set_links(
            Disclosure.keywords.through,
            "keyword_id",
            {e.existing.pk: keyword_ids[e.reference] for e in entries},
        )
        _set_links(
            Disclosure.exemptions.through,
            "exemption_id",
            {e.existing.pk: e.exemption_ids for e in entries if e.exemption_ids},
        )
        Disclosure.objects.bulk_create(new)
        _set_clarifications({e.existing.pk: e.clarifications for e in entries if e.clarifications})
        return states

    def _update(self, entries, keyword_ids, listed) -> list:
        states = []
        fields: set[str] = {"updated_at", "updated_by", "imported_row"}
        for entry in entries:
            disclosure = entry.existing
            before = disclosure.state(
                exemptions=self.exemptions.cited(entry.exemptions_before),
                keywords=listed(entry.keywords_before),
                clarifications=_clarifications_text(entry.clarifications_before),
            )
            for name in entry.changed_fields:
                setattr(disclosure, name, entry.values[name])
            fields.update(entry.changed_fields)
            if entry.needs_review:
                disclosure.status = Disclosure.Status.DRAFT
                fields.add("status")
            # bulk_update does not apply auto_now.
            disclosure.updated_at = self.now
            disclosure.updated_by = self.user
            disclosure.imported_row = entry.imported_row(self.log)
            after = disclosure.state(
                exemptions=self.exemptions.cited(
                    entry.exemption_ids if entry.exemptions_changed else entry.exemptions_before
                ),
                keywords=listed(
                    keyword_ids[entry.reference]
                    if entry.keywords_changed
                    else entry.keywords_before
                ),
                clarifications=_clarifications_text(
                    entry.clarifications
                    if entry.clarifications_changed
                    else entry.clarifications_before
                ),
            )
            states.append((disclosure, before, after))
        if entries:
            Disclosure.objects.bulk_update([e.existing for e in entries], sorted(fields))
        _set_links(
            Disclosure.exemptions.through,
            "exemption_id",
            {e.existing.pk: e.exemption_ids for e in entries if e.exemptions_changed},
            replace=[e.existing.pk for e in entries if e.exemptions_changed],
        )
        _set_links(
            Disclosure.keywords.through,
            "keyword_id",
            {e.existing.pk: keyword_ids[e.reference] for e in entries if e.keywords_changed},
            replace=[e.existing.pk for e in entries if e.keywords_changed],
        )
        _set_clarifications(
            {e.existing.pk: e.clarifications for e in entries if e.clarifications_changed},
            replace=True,
        )
        return states


def _next_disclosure_ids(count: int) -> list[int]:
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Disclosure._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _set_links(
    through: type,
    target: str,
    links: dict[int, Iterable[int]],
    replace: Sequence[int] = (),
) -> None:
    """Set many-to-many links with two statements, not one per disclosure.

    The link triggers (migrations 0003 and 0009) run once per statement, so replacing
    the keywords of many disclosures refreshes their search text in two updates, not
    thousands.
    """
    if replace:
        through.objects.filter(disclosure_id__in=replace).delete()
    rows = [
        through(disclosure_id=disclosure_id, **{target: target_id})
        for disclosure_id, target_ids in links.items()
        for target_id in target_ids
    ]
    if rows:
        through.objects.bulk_create(rows)


def _set_clarifications(
    clarifications: dict[int, list[Clarified] | None], replace: bool = False
) -> None:
    """Give each disclosure its clarifications, (asked, answered) in the order they were
    asked (so that their ids keep it, as the history lists them), replacing those it had
    if ``replace``: two statements, not one per disclosure."""
    if replace and clarifications:
        Clarification.objects.filter(disclosure_id__in=clarifications).delete()
    rows = [
        Clarification(disclosure_id=disclosure_id, asked=asked, answered=answered)
        for disclosure_id, found in clarifications.items()
        for asked, answered in found or ()
    ]
    if rows:
        Clarification.objects.bulk_create(rows)


def import_log(
    log: LogFile,
    options: Options | None = None,
    *,
    user: Any = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check ``log`` as ``dry_run`` does and write it, in one transaction.

    New references become disclosures, published at 09:00 UK time on their response
    date (when imported, if the log recorded none), or drafts unless
    ``options.publish``; existing ones are updated in place, their exemptions and
    keywords set as the file gives them. Columns absent from the file are left as they
    are on existing disclosures. The status of an existing disclosure is not changed,
    except that a published one whose new text the safety check flags returns to draft,
    as in the admin; a new row the check flags is a draft too. ``user`` is recorded as
    the last to change each row written, and every row written gets an entry in its
    history.

    If any row has an error nothing is written and the report says why (``has_errors``),
    unless ``options.skip_invalid``: then the valid rows are written and the refused
    ones go to ``options.refused_file``. Raises ``LogFileError`` when the file as a whole
    cannot be imported, and database errors (after rolling back).
    """
    options = options or Options()

    def writer_for(keywords: Keywords, exemptions: ExemptionIndex):
        return Writer(log, options, keywords, exemptions, user).write

    return run(log, options, writer_for=writer_for, progress=progress)
