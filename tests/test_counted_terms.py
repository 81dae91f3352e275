"""Counts kept for common search terms: a search of one such word, of a broad search of
several words people made, or the whole log, reads its total and facet counts from the
ledger the triggers keep; with filters, from the bitmaps of the last snapshot and a
count over the entries changed since. They must always equal a count over the matches,
whatever changed since the last recount."""

import datetime
import io
from collections import Counter

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from disclosures import bitmaps, search, statistics
from disclosures.filters import DisclosureFilter
from disclosures.models import (
    BroadSearch,
    CountedTerm,
    Disclosure,
    Exemption,
    FacetSnapshot,
    Keyword,
    SnapshotChange,
    TermCount,
)
from tests.factories import DisclosureFactory, KeywordFactory

pytestmark = pytest.mark.django_db
LIST = reverse("disclosures:list")


def filterset(query: str) -> DisclosureFilter:
    return DisclosureFilter(QueryDict(query), queryset=Disclosure.objects.public())


def kept(query: str):
    return search._kept_counts(filterset(query))


def over_matches(query: str):
    return search._counted_over_matches(filterset(query))


def from_bitmaps(query: str):
    return search._bitmap_counts(filterset(query))


def recount(min_documents: int = 2) -> None:
    call_command("count_search_terms", "--min-documents", str(min_documents), stdout=io.StringIO())


# Searches of several words, each in two published entries of the log (the scheduled
# one included): a phrase, and a word without another.
BROAD = ('q="police drones"', "q=police+-drones")
# Counted from bitmaps: filtered searches of counted terms, the filtered log, and
# searches of counted words joined by AND, OR and NOT.
FROM_BITMAPS = (
    "q=police&outcome=refused",
    "q=police&outcome=granted-in-full&outcome=refused",
    "q=drones&exemption=s40-2&exemption=s24-1",
    "q=police&keyword=drones&keyword=staff",
    "q=police&date_from=2024-01-01",
    "q=police&date_from=2024-03-01&date_to=2024-05-01",  # both ends included
    f"{BROAD[0]}&outcome=granted-in-full",
    f"{BROAD[1]}&date_to=2023-12-31",
    "outcome=refused&exemption=s31-1-a&date_from=2024-01-01",
    "keyword=drones",
    "outcome=refused&date_from=2030-01-01",  # no entry that late
    "q=police+drones",
    "q=police+OR+drones&outcome=refused",
    "q=-drones",
    "q=%22police%22+-%28drones+OR+police%29",
    "q=drones+police+OR+-drones+-police",
)


@pytest.fixture
def log(db):
    """Entries about police drones in every state, recounted: "police" and "drones"
    are counted terms (in at least two published entries), "helicopter" is not; so are
    the broad searches, made once before the recount."""
    DisclosureFactory(
        reference="A",
        title="Police drones",
        keywords=["Drones", "Aviation"],
        exemptions=["s40-2"],
        response_date=datetime.date(2023, 3, 1),
    )
    DisclosureFactory(
        reference="B",
        title="Drones over the police station",
        outcome="refused",
        exemptions=["s31-1-a", "s24-1"],
        response_date=datetime.date(2024, 3, 1),
    )
    DisclosureFactory(
        reference="C",
        title="Police overtime",
        outcome="granted-in-part",
        keywords=["Staff"],
        response_date=datetime.date(2024, 5, 1),
    )
    DisclosureFactory(
        reference="D", title="Police helicopter", response_date=datetime.date(2024, 7, 1)
    )
    DisclosureFactory(reference="DRAFT", title="Police drones draft", draft=True)
    DisclosureFactory(reference="SOON", title="Police drones scheduled", scheduled=True)
    DisclosureFactory(reference="GONE", title="Police drones withdrawn", withdrawn=True)
    for query in BROAD:
        search._record_broad_search(QueryDict(query)["q"])
    recount()


def test_recount_chooses_the_terms_of_enough_published_entries(log):
    terms = dict(CountedTerm.objects.values_list("lexeme", "documents"))
    # Published entries, the scheduled one included (its time will come); never drafts
    # or withdrawn entries.
    assert terms["polic"] == 5
    assert terms["drone"] == 3
    assert terms[""] == 5  # the whole log
    assert "helicopt" not in terms
    searches = dict(CountedTerm.objects.filter(is_search=True).values_list("lexeme", "documents"))
    assert searches == {"'polic' <-> 'drone'": 2, "'polic' & !'drone'": 2}


def test_kept_counts_are_exact_and_leave_out_what_is_not_public(log):
    total, counts = kept("q=police")
    assert total == 4
    assert counts["outcome"] == {"granted-in-full": 2, "refused": 1, "granted-in-part": 1}
    assert counts["year"] == {"2023": 1, "2024": 3}
    assert (total, counts) == over_matches("q=police")
    assert kept("q=drones") == over_matches("q=drones")
    assert kept("q=drones")[0] == 2
    assert kept("") == over_matches("")
    assert kept("")[0] == 4
    # The order and invalid filters change nothing counted.
    assert kept("sort=oldest&outcome=no-such-outcome") == kept("")


@pytest.mark.parametrize(
    "query",
    [
        "q=helicopter",  # not a counted term
        "q=police+drones",  # several words, never searched before the recount
        "q=%22police+station%22",  # a phrase, likewise
        "q=-police",  # an exclusion
        "q=police+OR+drones",
        "q=police&outcome=refused",  # a filter
        "q=police&date_from=2024-01-01",
        "q=police&keyword=drones",
        "q=the",  # a stop word: no term at all
        "outcome=refused",  # the log, filtered
        "date_to=2023-12-31",
    ],
)
def test_anything_but_one_counted_word_or_the_whole_log_is_counted_over_its_matches(log, query):
    assert kept(query) is None
    facets = search.facet_counts(filterset(query))
    total, _counts = over_matches(query)
    assert facets.total == total


def test_a_quoted_word_reads_the_counts_of_the_word(log):
    assert kept("q=%22police%22") == kept("q=police") == over_matches("q=%22police%22")


def test_counts_are_kept_for_the_whole_public_log_only(log):
    keyword = Keyword.objects.get(slug="drones")
    narrowed = DisclosureFilter(
        QueryDict("q=police"), queryset=Disclosure.objects.public().filter(keywords=keyword)
    )
    assert search._kept_counts(narrowed) is None
    assert search.facet_counts(narrowed).total == 1


def publish_draft() -> None:
    Disclosure.objects.get(reference="DRAFT").publish()


def publish_a_draft_this_instant() -> None:
    # Later than the test's transaction began (PostgreSQL's now()), earlier than the next
    # statement: public from then on, and it must count at once.
    Disclosure.objects.filter(reference="DRAFT").update(
        status="published", published_at=timezone.now()
    )


def withdraw() -> None:
    Disclosure.objects.get(reference="A").withdraw("Published in error.")


def unpublish() -> None:
    Disclosure.objects.get(reference="B").unpublish()


def change_outcome_and_date() -> None:
    entry = Disclosure.objects.get(reference="C")
    entry.outcome = "not-held"
    entry.response_date = datetime.date(2021, 1, 1)
    entry.save()


def drop_the_word_from_the_title() -> None:
    entry = Disclosure.objects.get(reference="D")
    entry.title = "Helicopter hours"
    entry.save()


def add_the_word_to_the_title() -> None:
    entry = Disclosure.objects.get(reference="C")
    entry.title = "Police overtime for drones"
    entry.save()


def change_keywords() -> None:
    entry = Disclosure.objects.get(reference="A")
    entry.keywords.set([KeywordFactory(name="Staff", slug="staff")])


def add_and_remove_exemptions() -> None:
    Disclosure.objects.get(reference="C").exemptions.add(Exemption.objects.get(slug="s40-2"))
    Disclosure.objects.get(reference="B").exemptions.remove(Exemption.objects.get(slug="s24-1"))


def rename_a_keyword_to_the_word() -> None:
    # The keyword text is in the search vector: every entry with it changes.
    Keyword.objects.filter(slug="staff").update(name="Drone staff")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT disclosures_refresh_keywords_text(ARRAY(SELECT id FROM disclosures_disclosure))"
        )


def delete_an_entry() -> None:
    Disclosure.objects.get(reference="B").delete()


def add_an_entry() -> None:
    DisclosureFactory(
        title="Police drones again", keywords=["Drones"], exemptions=["s24-1"], outcome="refused"
    )


def bulk_change() -> None:
    Disclosure.objects.filter(reference__in=["A", "B", "C"]).update(outcome="refused-cost-limit")


def save_without_change() -> None:
    Disclosure.objects.get(reference="A").save()


def schedule_comes_due() -> None:
    # Nothing changes in the counted columns when a scheduled entry's time comes: time
    # passing is the same as moving its time into the past.
    Disclosure.objects.filter(reference="SOON").update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    "change",
    [
        publish_draft,
        publish_a_draft_this_instant,
        withdraw,
        unpublish,
        change_outcome_and_date,
        drop_the_word_from_the_title,
        add_the_word_to_the_title,
        change_keywords,
        add_and_remove_exemptions,
        rename_a_keyword_to_the_word,
        delete_an_entry,
        add_an_entry,
        bulk_change,
        save_without_change,
        schedule_comes_due,
    ],
    ids=lambda change: change.__name__,
)
def test_kept_counts_follow_every_change(log, change):
    change()
    for query in ("q=police", "q=drones", "", *BROAD):
        assert kept(query) is not None
        assert kept(query) == over_matches(query), query
    for query in FROM_BITMAPS:
        # (or the kept counts, when a change leaves a chosen keyword on no public entry:
        # it is no longer a filter to choose)
        counted = from_bitmaps(query) or kept(query)
        assert counted is not None
        assert counted == over_matches(query), query


def test_every_change_in_turn_then_a_recount(log):
    for change in (
        publish_draft,
        withdraw,
        change_outcome_and_date,
        add_the_word_to_the_title,
        change_keywords,
        add_and_remove_exemptions,
        add_an_entry,
        delete_an_entry,
        schedule_comes_due,
    ):
        change()
        for query in ("q=police", "", *BROAD):
            assert kept(query) == over_matches(query), (change.__name__, query)
        for query in FROM_BITMAPS:
            counted = from_bitmaps(query) or kept(query)
            assert counted == over_matches(query), (change.__name__, query)
    ledger_rows = TermCount.objects.count()
    still_common = ("q=police", "", BROAD[0])
    before = [kept(query) for query in still_common]
    recount()
    # Summed up again: one row per term and value, the same counts.
    assert TermCount.objects.count() < ledger_rows
    assert [kept(query) for query in still_common] == before
    # A new snapshot, the scheduled entry in it (it came due). Left to count over their
    # rows: only entries published after the snapshot's time, which inside this test is
    # the test transaction's start: the draft published during the test, unless in the
    # same second (publication times are whole seconds).
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        snapshot_time = cursor.fetchone()[0]
    published_later = Disclosure.objects.filter(published_at__gt=snapshot_time)
    noted = set(SnapshotChange.objects.values_list("disclosure_id", flat=True))
    assert noted == set(published_later.values_list("pk", flat=True))
    assert noted <= set(Disclosure.objects.filter(reference="DRAFT").values_list("pk", flat=True))
    for query in FROM_BITMAPS:
        if BROAD[1] not in query:  # no longer counted (below)
            assert from_bitmaps(query) == over_matches(query), query
    # "police -drones" now finds one entry, fewer than the recount asks for.
    assert over_matches(BROAD[1])[0] == 1
    assert kept(BROAD[1]) is None


def test_a_small_log_keeps_nothing_and_its_saves_write_nothing(db):
    DisclosureFactory.create_batch(3, title="Police drones")
    recount(min_documents=10)
    assert not CountedTerm.objects.exists()
    DisclosureFactory(title="Police drones")
    assert not TermCount.objects.exists()
    assert kept("q=police") is None
    assert kept("") is None


def test_a_counted_term_with_nothing_public_left_finds_nothing(client, log):
    Disclosure.objects.filter(title__icontains="drones").update(status="draft")
    assert kept("q=drones") == (0, {"outcome": {}, "exemption": {}, "keyword": {}, "year": {}})
    response = client.get(LIST, {"q": "drones"})
    assert response.context["facets"].total == 0
    assert not response.context["page_obj"].object_list


def test_the_page_shows_the_kept_counts(client, log):
    response = client.get(LIST, {"q": "police"})
    facets = response.context["facets"]
    assert facets.total == 4
    assert {o.value: o.count for o in facets.outcome if o.count} == {
        "granted-in-full": 2,
        "refused": 1,
        "granted-in-part": 1,
    }
    assert {o.value: o.count for o in facets.keyword} == {"drones": 1, "aviation": 1, "staff": 1}
    assert {o.value: o.count for o in facets.exemption if o.count} == {
        "s40-2": 1,
        "s31-1-a": 1,
        "s24-1": 1,
    }
    shown = {d.reference for d in response.context["page_obj"].object_list}
    assert shown == {"A", "B", "C", "D"}


def recounted_police_drones(rows: int) -> None:
    """A log of ``rows`` published entries about police drones, all alike, recounted."""
    for n in range(rows):
        DisclosureFactory(title=f"Police drones {n}", keywords=["Drones"], exemptions=["s40-2"])
    recount()


# validators (freshness), the kept counts, the exemptions and keywords shown, page ids,
# rows, the exemptions they cite; and for a search, headlines and two for the
# suggestion lookup (similarity threshold, vocabulary).
@pytest.mark.parametrize(("params", "queries"), [({"q": "police"}, 10), ({}, 7)])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_page_reading_kept_counts_makes_as_many_queries_whatever_the_rows(
    client, django_assert_num_queries, settings, params, queries, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    recounted_police_drones(rows)
    with django_assert_num_queries(queries):
        response = client.get(LIST, params)
    assert response.context["facets"].total == rows
    assert {o.value: o.count for o in response.context["facets"].keyword} == {"drones": rows}


def test_the_command_says_what_it_counted(db):
    DisclosureFactory.create_batch(3, title="Police drones")
    out = io.StringIO()
    call_command("count_search_terms", "--min-documents", "3", stdout=out)
    # polic, drone and the factory's request words, and the whole log.
    assert "and of the whole log" in out.getvalue()
    assert CountedTerm.objects.filter(lexeme="").exists()
    # Bitmaps of 1 outcome, 1 year, each counted word and each phrase of two of them in
    # three entries: "police drones", "please tell", "tell me how"...
    words = CountedTerm.objects.exclude(lexeme="").count()
    phrases = phrase_bits(FacetSnapshot.objects.get().pk)
    assert {"'polic' <-> 'drone'", "'pleas' <-> 'tell'", "'tell' <3> 'mani'"} <= phrases
    assert (
        f"Took a snapshot of the 3 public disclosures, with {2 + words + len(phrases)} bitmaps "
        f"({len(phrases)} of two-word phrases)"
    ) in out.getvalue()
    out = io.StringIO()
    call_command("count_search_terms", "--min-documents", "4", stdout=out)
    assert "the facets of 0 words" in out.getvalue()
    assert "whole log" not in out.getvalue()
    assert "snapshot" not in out.getvalue()
    assert not FacetSnapshot.objects.exists()


def test_the_command_refuses_a_threshold_below_one(db):
    with pytest.raises(CommandError):
        call_command("count_search_terms", "--min-documents", "0")


def broad_searches() -> dict[str, int]:
    return dict(BroadSearch.objects.values_list("query", "searches"))


def test_a_search_of_several_words_finding_many_is_recorded(client, log, monkeypatch):
    monkeypatch.setattr(search, "MIN_DOCUMENTS_TO_KEEP", 3)
    BroadSearch.objects.all().delete()
    client.get(LIST, {"q": "police station"})  # one entry: counted fast enough
    client.get(LIST, {"q": "helicopter"})  # one word: the recount finds those itself
    client.get(LIST, {"q": "police OR helicopter", "outcome": "refused"})  # a filter
    assert broad_searches() == {}
    for _ in range(2):
        response = client.get(LIST, {"q": "police OR helicopter"})
    assert response.context["facets"].total == 4
    assert broad_searches() == {"'polic' | 'helicopt'": 2}
    # Only the query is kept, as the search index reads it: no words as typed.
    recount(min_documents=3)
    assert CountedTerm.objects.get(is_search=True).lexeme == "'polic' | 'helicopt'"
    assert kept("q=police+OR+helicopter") == over_matches("q=police+OR+helicopter")
    assert kept("q=police+OR+helicopter")[0] == 4


def test_a_counted_search_is_not_recorded_again(client, log, monkeypatch):
    monkeypatch.setattr(search, "MIN_DOCUMENTS_TO_KEEP", 1)
    before = broad_searches()
    response = client.get(LIST, {"q": '"police drones"'})
    assert response.context["facets"].total == 1
    assert broad_searches() == before


def test_the_recount_forgets_old_searches_and_counts_the_most_made(log):
    BroadSearch.objects.update(searches=5)
    old = timezone.now() - datetime.timedelta(days=31)
    BroadSearch.objects.filter(query="'polic' & !'drone'").update(last_searched=old)
    for n in range(100):
        search._record_broad_search(f"police OR word{n}")
    BroadSearch.objects.filter(query__contains="word").update(searches=2)
    BroadSearch.objects.filter(query__contains="word0").update(searches=1)
    recount()
    searches = set(CountedTerm.objects.filter(is_search=True).values_list("lexeme", flat=True))
    assert len(searches) == 100
    assert "'polic' <-> 'drone'" in searches
    assert "'polic' | 'word0'" not in searches  # the least made, beyond the hundred
    assert "'polic' & !'drone'" not in BroadSearch.objects.values_list("query", flat=True)
    assert kept("q=police+-drones") is None
    assert kept("q=police+OR+word42") == over_matches("q=police+OR+word42")


def test_a_search_that_finds_too_few_at_the_recount_is_not_counted(log):
    Disclosure.objects.filter(reference="A").update(status="draft")
    recount()
    assert kept('q="police drones"') is None
    assert BroadSearch.objects.filter(query="'polic' <-> 'drone'").exists()


def test_failing_to_record_a_search_does_not_fail_the_page(client, log, monkeypatch):
    monkeypatch.setattr(search, "MIN_DOCUMENTS_TO_KEEP", 2)
    monkeypatch.setattr(search, "_RECORD_BROAD_SEARCH_SQL", "SELECT no_such_function()")
    response = client.get(LIST, {"q": "police OR station"})
    assert response.status_code == 200
    assert response.context["facets"].total == 4


def test_a_page_reading_the_kept_counts_of_a_search_makes_as_many_queries(
    client, django_assert_num_queries, settings, log
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    # As a page of one counted word (above): the counts are read, not counted.
    with django_assert_num_queries(10):
        response = client.get(LIST, {"q": '"police drones"'})
    assert response.context["facets"].total == 1


def test_filtered_counts_come_from_the_bitmaps_of_the_snapshot(log):
    snapshot = FacetSnapshot.objects.get()
    assert snapshot.size == 4  # the public entries; the scheduled one waits for its time
    total, counts = from_bitmaps("q=police&outcome=refused&outcome=granted-in-full")
    assert total == 3
    # Each facet ignores its own filter: every outcome of "police" is counted.
    assert counts["outcome"] == {"granted-in-full": 2, "refused": 1, "granted-in-part": 1}
    assert counts["year"] == {"2023": 1, "2024": 2}
    for query in FROM_BITMAPS:
        assert from_bitmaps(query) == over_matches(query), query


@pytest.mark.parametrize(
    "query",
    [
        "q=helicopter&outcome=refused",  # not a counted term
        "q=police+helicopter",  # a word not counted
        "q=%22police+station%22&outcome=refused",  # a phrase, never counted
        "q=police+OR+helicopter&date_from=2024-01-01",
        "q=-helicopter&keyword=drones",
        "q=%22police+drones+draft%22",  # found in an unpublished entry only
    ],
)
def test_other_searches_are_counted_from_the_ids_they_find(log, query):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('foilog', %s)::text", [filterset(query).query_text]
        )
        (tsquery,) = cursor.fetchone()
    assert bitmaps.matching(current_snapshot(), tsquery) is None  # no bits of its own
    assert from_bitmaps(query) == over_matches(query)
    # And after changes since the snapshot, counted over their rows.
    publish_draft()
    withdraw()
    change_outcome_and_date()
    assert from_bitmaps(query) == over_matches(query)


@pytest.mark.parametrize(
    "query",
    [
        "q=the&outcome=refused",  # a stop word: no term at all
        "",  # the whole log: the kept counts serve
    ],
)
def test_searches_without_bitmaps_are_counted_otherwise(log, query):
    assert from_bitmaps(query) is None
    assert search.facet_counts(filterset(query)).total == over_matches(query)[0]


def test_bitmaps_serve_the_public_log_only(log):
    narrowed = DisclosureFilter(
        QueryDict("q=police&outcome=refused"),
        queryset=Disclosure.objects.public().filter(reference="A"),
    )
    assert search._bitmap_counts(narrowed) is None
    assert search.facet_counts(narrowed).total == 0


def test_only_changes_a_count_depends_on_are_noted(log):
    soon = Disclosure.objects.get(reference="SOON").pk
    assert list(SnapshotChange.objects.values_list("disclosure_id", flat=True)) == [soon]
    save_without_change()
    draft = Disclosure.objects.get(reference="DRAFT")
    draft.title = "Police drones draft, reworded"
    draft.save()
    assert SnapshotChange.objects.count() == 1
    withdraw()
    change_outcome_and_date()
    noted = set(SnapshotChange.objects.values_list("disclosure_id", flat=True))
    assert noted == set(
        Disclosure.objects.filter(reference__in=["A", "C", "SOON"]).values_list("pk", flat=True)
    )


def test_too_many_changes_since_the_snapshot_are_counted_over_the_matches(log, monkeypatch):
    monkeypatch.setattr(search, "MAX_CHANGES", 1)
    assert from_bitmaps("q=police&outcome=refused") is not None  # the scheduled entry
    withdraw()
    assert from_bitmaps("q=police&outcome=refused") is None
    facets = search.facet_counts(filterset("q=police&outcome=refused"))
    assert facets.total == over_matches("q=police&outcome=refused")[0] == 1


def test_a_small_log_takes_no_snapshot_and_notes_nothing(db):
    DisclosureFactory.create_batch(3, title="Police drones")
    recount(min_documents=10)
    assert not FacetSnapshot.objects.exists()
    DisclosureFactory(title="Police drones")
    Disclosure.objects.update(outcome="refused")
    assert not SnapshotChange.objects.exists()
    assert from_bitmaps("q=police&outcome=refused") is None


def test_a_snapshot_replaces_the_last(log):
    first = FacetSnapshot.objects.get().pk
    assert from_bitmaps("outcome=refused")[0] == 1
    Disclosure.objects.filter(reference="C").update(outcome="refused")
    recount()
    assert FacetSnapshot.objects.get().pk != first
    assert from_bitmaps("outcome=refused")[0] == 2 == over_matches("outcome=refused")[0]


# As a page of one counted word (above), with the snapshot's first load by the process
# done: validators, the chosen exemption checked, the snapshot lookup, the exemptions and
# keywords shown, page ids, rows, the exemptions they cite, headlines and the
# suggestion's two; and one more when entries changed since the snapshot, to count them.
# A search with a word not counted ("helicopter") makes one more, for its matches' ids;
# without the filter, it checks no exemption but looks for kept counts first.
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({"q": "police", "exemption": "s40-2"}, 11),
        ({"q": "police -helicopter", "exemption": "s40-2"}, 12),
        ({"q": "police -helicopter"}, 12),
    ],
)
@pytest.mark.parametrize("changed", [False, True])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_filtered_page_counted_from_bitmaps_makes_as_many_queries_whatever_the_rows(
    client, django_assert_num_queries, settings, params, queries, changed, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    recounted_police_drones(rows)
    queries += changed
    client.get(LIST, params)
    if changed:
        Disclosure.objects.filter(pk__in=Disclosure.objects.values("pk")[:2]).update(
            outcome="refused"
        )
    with django_assert_num_queries(queries):
        response = client.get(LIST, params)
    assert response.context["facets"].total == rows
    assert {o.value: o.count for o in response.context["facets"].keyword} == {"drones": rows}
    outcomes = {o.value: o.count for o in response.context["facets"].outcome if o.count}
    assert outcomes == (
        {"granted-in-full": rows - 2, "refused": 2} if changed else {"granted-in-full": rows}
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "police", "exemption": "no-such-exemption"},
        {"q": "police", "date_from": "2024-06-01", "date_to": "2024-01-01"},
        {"q": "police", "date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"outcome": "refused", "date_to": "not-a-date"},
        {"q": "police\x00", "keyword": ["drones", "drones"]},
    ],
)
def test_odd_filters_over_the_bitmaps_get_a_normal_page(client, log, params):
    response = client.get(LIST, params)
    assert response.status_code in (200, 400)
    assert "facets" in response.context


def current_snapshot() -> bitmaps.Snapshot:
    return bitmaps._snapshot(FacetSnapshot.objects.get().pk)


def positions_found(snapshot: bitmaps.Snapshot, query: str) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(id) FROM disclosures_disclosure WHERE search_vector @@ %s::tsquery",
            [query],
        )
        return bitmaps.pack(snapshot.positions_of(cursor.fetchone()[0]), snapshot.size)


@pytest.mark.parametrize(
    "query",
    [
        "( 'polic' | 'drone' ) & !'drone'",
        "!( 'polic' & 'drone' )",
        "'polic' & ( !'drone' | 'polic' )",
        "!!'drone'",
        "'polic' <-> 'drone'",  # a counted search: its own bits
    ],
)
def test_a_search_joins_its_words_bits_as_postgresql_reads_it(log, query):
    snapshot = current_snapshot()
    assert (bitmaps.matching(snapshot, query) == positions_found(snapshot, query)).all()


@pytest.mark.parametrize(
    "query",
    [
        "'drone' <-> 'polic'",  # a phrase never counted
        "'polic':*",
        "'polic':A",
        "'helicopt' | 'polic'",  # a word not counted
        "'polic' &",
        "( 'polic'",
        "'polic' )",
        "'it''s' | 'polic'",
        "",
    ],
)
def test_a_search_not_made_of_counted_words_has_no_bits(log, query):
    snapshot = current_snapshot()
    assert bitmaps.matching(snapshot, query) is None


@pytest.fixture
def phrases(db):
    """Entries holding "use of force", and its words apart or the other way round; every
    entry's request (the factory's) says "the force". Counted at two entries."""
    for title in [
        "Use of force by officers",
        "Use of force in custody",
        "Police use of the force helicopter",  # 'use' <3> 'forc'
        "Police use of the force dogs",
        "Force use in police custody",  # reversed
        "Force used in police custody",  # a stemmed word: 'forc' <-> 'use' again
    ]:
        DisclosureFactory(title=title)
    DisclosureFactory(title="Use of force draft", draft=True)
    DisclosureFactory(title="Use of force withdrawn", withdrawn=True)
    DisclosureFactory(title="Use of force scheduled", scheduled=True)
    recount()


def phrase_bits(snapshot_id: int) -> set[str]:
    return set(
        FacetSnapshot.objects.get(pk=snapshot_id)
        .bitmaps.filter(kind="p")
        .values_list("key", flat=True)
    )


def test_phrases_of_two_counted_words_in_enough_entries_get_bits(phrases):
    keys = phrase_bits(FacetSnapshot.objects.get().pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('foilog', %s)::text", ['"use of force"'])
        (use_of_force,) = cursor.fetchone()
    assert use_of_force == "'use' <2> 'forc'"
    assert {use_of_force, "'use' <3> 'forc'", "'forc' <-> 'use'", "'polic' <-> 'use'"} <= keys
    # In one public entry only, or not public at all: no bits.
    assert "'forc' <-> 'offic'" not in keys
    assert "'forc' <-> 'draft'" not in keys
    assert "'forc' <-> 'schedul'" not in keys
    # Four positions apart is not kept.
    assert not any(" <4> " in key for key in keys)


@pytest.mark.parametrize(
    "query",
    [
        "'use' <2> 'forc'",
        "'use' <3> 'forc'",
        "'forc' <-> 'use'",
        "'use' <3> 'forc' & 'polic'",
        "'use' <2> 'forc' | 'forc' <-> 'use'",
        "!( 'use' <2> 'forc' ) & 'custodi'",
        "'use' <2> 'forc' & !( 'forc' <-> 'use' )",
    ],
)
def test_a_search_of_phrases_joins_their_bits_as_postgresql_reads_it(phrases, query):
    snapshot = current_snapshot()
    found = bitmaps.matching(snapshot, query)
    assert found is not None
    assert (found == positions_found(snapshot, query)).all()
    assert bitmaps.bit_count(found) > 0


@pytest.mark.parametrize(
    "query",
    [
        "'forc' <-> 'offic'",  # in one entry only
        "'use' <4> 'forc'",  # too far apart to keep
        "'use' <2> 'forc' <-> 'custodi'",  # three words
        "!'use' <-> 'forc'",  # (not "use") then "force": not a phrase of two words
        "( 'use' & 'polic' ) <-> 'forc'",
        "'use':A <2> 'forc'",
    ],
)
def test_other_phrases_have_no_bits(phrases, query):
    snapshot = current_snapshot()
    assert bitmaps.matching(snapshot, query) is None


@pytest.mark.parametrize(
    "query",
    [
        'q="use of force"',
        'q="use of force"&date_from=2000-01-01',
        'q="use of force"+police&outcome=granted-in-full',
        'q="force use"+OR+"use+of+the+force"',
        'q=-"use of force"&outcome=refused',
    ],
)
def test_searches_of_phrases_are_counted_from_bitmaps_exactly(phrases, query):
    assert from_bitmaps(query) == over_matches(query)
    assert from_bitmaps(query) is not None
    # And after changes since the snapshot, counted over their rows.
    Disclosure.objects.filter(title="Use of force draft").update(
        status=Disclosure.Status.PUBLISHED, published_at=timezone.now()
    )
    Disclosure.objects.filter(title="Use of force in custody").update(title="Use of tasers")
    assert from_bitmaps(query) == over_matches(query)


def test_phrase_bits_hold_past_the_last_position_postgresql_keeps(db):
    """PostgreSQL keeps no word position past 16383: the words after share it, so one
    word there follows the word before it several times over."""
    # The title's one word, then the request's: "use" at 16382, the rest at 16383, and
    # the narrative's words too.
    request = " ".join(["filler"] * 16380 + ["use", "force", "police", "helicopter"])
    for _ in range(2):
        DisclosureFactory(title="Report", request_text=request)
    recount(min_documents=2)
    snapshot = current_snapshot()
    for query in ["'use' <-> 'forc'", "'use' <-> 'polic'", "'use' <-> 'inform'"]:
        found = bitmaps.matching(snapshot, query)
        assert found is not None, query
        assert (found == positions_found(snapshot, query)).all(), query
        assert bitmaps.bit_count(found) == 2, query
    # Sharing a position is not following each other.
    assert bitmaps.matching(snapshot, "'forc' <-> 'polic'") is None
    assert positions_found(snapshot, "'forc' <-> 'polic'").sum() == 0


def test_counts_read_whichever_words_are_fewest_and_are_exact():
    """Keywords are each on few entries: their counts may read only the words with bits.
    A rare word's few matches: only the words holding them. A range of dates: its run."""
    rng = np.random.default_rng(1)
    size = 64 * 100
    outcome = rng.integers(0, 3, size)  # every entry has one: dense bitmaps
    keywords = [rng.choice(size, n, replace=False) for n in (1, 5, 40, 90)]
    facets = {
        "outcome": (
            ["a", "b", "c"],
            np.array([bitmaps.pack(outcome == v, size) for v in range(3)]),
        ),
        "keyword": ([10, 11, 12, 13], np.array([bitmaps.pack(k, size) for k in keywords])),
        "year": (["2024"], bitmaps.pack(slice(0, size), size).reshape(1, -1)),
        "exemption": ([7], bitmaps.pack(slice(0, size, 2), size).reshape(1, -1)),
    }
    days = np.arange(size, dtype="<i8")
    snapshot = bitmaps._numbered(np.arange(1, size + 1), days, facets=facets, terms={})
    assert set(snapshot.sparse) == {"keyword"}
    ways = set()
    for chosen in (
        np.arange(size),
        rng.choice(size, 700, replace=False),
        np.arange(1000, 1300),  # a run of dates
        np.array([5, 3000, 6399]),  # a rare word's
        np.array([], dtype=np.int64),
    ):
        bits = bitmaps.pack(chosen, size)
        if len(chosen):
            words = np.flatnonzero(bits)
            ways |= {(f, snapshot.way_to_count(f, words)) for f in ("keyword", "outcome")}
        found = [len(np.intersect1d(k, chosen)) for k in keywords]
        assert snapshot.counts_in("keyword", bits) == +Counter(
            dict(zip([10, 11, 12, 13], found, strict=True))
        )
        assert snapshot.counts_in("outcome", bits) == +Counter(
            {"abc"[v]: int((outcome[chosen] == v).sum()) for v in range(3)}
        )
    assert ways == {
        ("keyword", "own"),
        ("keyword", "run"),
        ("keyword", "gather"),
        ("outcome", "run"),
        ("outcome", "gather"),
    }


@pytest.fixture
def dated(db):
    """Thirty public entries about the police over four days, many sharing a day, with
    drafts and a scheduled one; counted, snapshot taken."""
    for n in range(30):
        DisclosureFactory(
            reference=f"P{n}",
            title=f"Police drones {n}" if n % 3 else f"Police helicopter {n}",
            response_date=datetime.date(2024, 1, 1 + n % 4),
            outcome="refused" if n % 5 == 0 else "granted-in-full",
            keywords=["Drones"] if n % 2 else [],
            exemptions=["s40-2"] if n % 3 == 0 else [],
        )
    DisclosureFactory(reference="DRAFT", title="Police drones draft", draft=True)
    DisclosureFactory(reference="SOON", title="Police drones scheduled", scheduled=True)
    recount()


@pytest.fixture
def partly_undated(dated):
    """The dated log and five entries whose log recorded no response date and no
    outcome (the oldest, as the log's order has it), recounted."""
    for n in range(5):
        DisclosureFactory(
            reference=f"U{n}",
            title=f"Police drones undated {n}",
            response_date=None,
            outcome="not-recorded",
            keywords=["Drones"] if n % 2 else [],
            exemptions=["s40-2"] if n % 3 == 0 else [],
        )
    recount()


# The two logs the bitmaps' pages and statistics are checked against.
LOGS = pytest.mark.parametrize("log_name", ["dated", "partly_undated"])


def change_the_log() -> None:
    """Every kind of change the snapshot does not hold: entries leaving, arriving,
    moving to another day (between others of that day), and changing their words."""
    Disclosure.objects.get(reference="DRAFT").publish()
    Disclosure.objects.get(reference="P4").withdraw("Published in error.")
    Disclosure.objects.get(reference="P7").unpublish()
    Disclosure.objects.get(reference="P9").delete()
    Disclosure.objects.filter(reference__in=["P10", "P11"]).update(
        response_date=datetime.date(2024, 1, 3)
    )
    Disclosure.objects.filter(reference="P12").update(title="Helicopter hours")
    DisclosureFactory(title="Police drones again", response_date=datetime.date(2024, 1, 2))
    # Corrected to what its log recorded: no response date, no outcome.
    Disclosure.objects.filter(reference="P13").update(response_date=None, outcome="not-recorded")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=police",
        "q=police&sort=oldest",
        "q=drones+-helicopter&sort=newest",
        "q=%22police+drones+again%22",  # no bits of its own: found by ids
        "outcome=granted-in-full&date_to=2024-01-03",
        "q=police&keyword=drones&sort=oldest",
    ],
)
@LOGS
def test_pages_found_from_bitmaps_hold_the_rows_the_date_index_gives(request, log_name, query):
    request.getfixturevalue(log_name)

    def check_every_page() -> None:
        results = filterset(query)
        total = search.facet_counts(results).total
        newest_first = results.current_sort != "oldest"
        in_order = results.filtered_without().in_date_order(newest_first)
        expected = list(in_order.values_list("pk", flat=True))
        assert len(expected) == total
        for bottom in range(total):
            top = min(bottom + 3, total)
            found = search.page_ids(results, newest_first, bottom, top, total)
            assert found == expected[bottom:top], (bottom, top)

    check_every_page()
    change_the_log()
    check_every_page()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=police",
        "q=police&date_from=2024-01-02",
        "date_to=2024-01-03",
        "outcome=not-recorded",
        "q=drones&outcome=not-recorded&keyword=drones",
        "exemption=s40-2&date_from=2024-01-01&date_to=2024-01-02",
    ],
)
def test_undated_entries_are_counted_from_bitmaps_as_over_their_rows(partly_undated, query):
    def check() -> None:
        counted = search._kept_counts(filterset(query)) or from_bitmaps(query)
        assert counted == over_matches(query), query

    check()
    change_the_log()
    check()
    total, counts = over_matches("q=police")
    assert counts["outcome"]["not-recorded"] == 6  # five, and the one corrected
    assert sum(counts["year"].values()) == total - 6  # undated: in no year


@pytest.mark.parametrize(
    "query",
    [
        "q=police&date_to=2024-01-03",
        "q=drones&outcome=granted-in-full",
        "q=police&keyword=drones&date_from=2024-01-02",
        "q=drones+-helicopter&exemption=s40-2",
        "q=%22police+drones+again%22&outcome=granted-in-full",  # found by ids
    ],
)
@LOGS
def test_results_ranked_by_id_are_those_the_search_ranks(request, log_name, query):
    request.getfixturevalue(log_name)

    def check() -> None:
        results = filterset(query)
        ranked = search.ranked_by_id(results)
        assert ranked is not None
        expected = list(results.qs.values_list("pk", flat=True))
        assert list(ranked.values_list("pk", flat=True)) == expected

    check()
    change_the_log()  # entries changed since the snapshot are read from their rows
    check()


def test_results_are_ranked_by_id_only_for_a_filtered_search_of_the_public_log(dated):
    assert search.ranked_by_id(filterset("outcome=refused")) is None
    assert search.ranked_by_id(filterset("q=police")) is None
    assert search.ranked_by_id(filterset("q=police&outcome=refused")) is not None
    everything = DisclosureFilter(
        QueryDict("q=police&outcome=refused"), queryset=Disclosure.objects.all()
    )
    assert search.ranked_by_id(everything) is None


def test_a_ranked_page_read_by_id_shows_what_the_search_ranks(
    client, django_assert_num_queries, settings, monkeypatch, dated
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    params = {"q": "drones", "outcome": "granted-in-full"}
    client.get(LIST, params)  # the process loads the snapshot

    def page() -> list[str]:
        return [d.reference for d in client.get(LIST, params).context["page_obj"].object_list]

    # As a filtered page counted from bitmaps: the results changed since the snapshot
    # (the scheduled entry from the start; then many) join the ids in the same query.
    for change in (lambda: None, change_the_log):
        change()
        with django_assert_num_queries(11):
            by_id = page()
        with monkeypatch.context() as patched:
            patched.setattr(search, "ranked_by_id", lambda results: None)
            assert by_id == page()
        assert by_id


def test_a_deep_page_is_found_from_bitmaps_in_as_many_queries(
    client, django_assert_num_queries, settings, monkeypatch, dated
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    params = {"q": "police", "page": 2, "sort": "newest"}
    walked = client.get(LIST, params).context["page_obj"].object_list
    monkeypatch.setattr(search, "PAGE_FROM_BITMAPS", 1)
    client.get(LIST, params)  # the process loads the snapshot
    # As a page of a counted word (above), but the page's ids come from the snapshot's
    # lookup and the results changed since (the scheduled entry, from the start); and
    # the exemptions shown beside the results.
    with django_assert_num_queries(11):
        found = client.get(LIST, params).context["page_obj"].object_list
    assert [d.reference for d in found] == [d.reference for d in walked]
    change_the_log()
    with django_assert_num_queries(11):
        found = client.get(LIST, params).context["page_obj"].object_list
    monkeypatch.setattr(search, "PAGE_FROM_BITMAPS", 10**9)
    assert found == list(client.get(LIST, params).context["page_obj"].object_list)


def test_the_home_page_and_the_exemptions_read_the_kept_counts(
    client, django_assert_num_queries, settings, log
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0

    def counted_afresh() -> dict[str, int]:
        return {e.slug: e.public_count for e in Exemption.objects.with_public_counts()}

    def kept_counts() -> dict[str, int]:
        return {e.slug: e.public_count for e in search.exemptions_with_public_counts()}

    for change in (None, publish_draft, withdraw, schedule_comes_due, add_an_entry):
        if change:
            change()
        assert search.public_total() == Disclosure.objects.public().count()
        assert kept_counts() == counted_afresh()
    assert kept_counts()["s24-1"] == 2  # B and the entry added; not the withdrawn one
    # validators, latest, the exemptions they cite, the kept counts: no count
    with django_assert_num_queries(4):
        response = client.get(reverse("disclosures:home"))
    assert response.context["total"] == Disclosure.objects.public().count() == 6
    with django_assert_num_queries(3):  # validators, the kept counts, the exemptions
        response = client.get(reverse("disclosures:exemptions"))
    listed = {e.slug: e.public_count for e in response.context["exemptions"]}
    afresh = counted_afresh()
    assert listed == {slug: afresh[slug] for slug in listed}
    assert "s24-1" in listed and "foisa-s38-1-b" not in listed  # an English authority's


@pytest.mark.parametrize(
    ("name", "slug", "count"), [("keyword", "drones", 15), ("exemption", "s40-2", 10)]
)
def test_keyword_and_exemption_pages_count_and_page_as_the_list(
    client, django_assert_num_queries, settings, monkeypatch, dated, name, slug, count
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    address = reverse(f"disclosures:{name}", args=[slug])
    with_it = {f"{name}s__slug": slug}

    def shown(page: int) -> list[str]:
        response = client.get(address, {"page": page})
        return [d.reference for d in response.context["page_obj"].object_list]

    def expected(page: int) -> list[str]:
        results = Disclosure.objects.public().filter(**with_it).newest_first()
        return list(results.values_list("reference", flat=True)[(page - 1) * 20 : page * 20])

    monkeypatch.setattr(search, "PAGE_FROM_BITMAPS", 1)
    client.get(address)  # the process loads the snapshot
    # validators, the keyword (exemption), its slug checked, the snapshot's lookup; the
    # results changed since (the scheduled one) counted for the count, and their dates
    # for the page; rows, the exemptions cited
    with django_assert_num_queries(8):
        response = client.get(address)
    assert response.context["paginator"].count == count
    assert shown(1) == expected(1)
    change_the_log()
    assert client.get(address).context["paginator"].count == (
        Disclosure.objects.public().filter(**with_it).count()
    )
    assert shown(1) == expected(1)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=police",
        "outcome=refused",
        "q=drones&keyword=drones",
        "q=%22police+drones+again%22",  # no bits of its own: found by ids
        "exemption=s40-2&date_from=2024-01-02",
    ],
)
@LOGS
def test_statistics_drawn_from_bitmaps_are_those_counted_over_the_results(request, log_name, query):
    request.getfixturevalue(log_name)
    end = datetime.date(2024, 12, 31)

    def check() -> None:
        results = filterset(query)
        tallies = search.result_tallies(results)
        assert tallies is not None
        drawn = statistics.figures_of(tallies, end)
        assert drawn == statistics.figures(results.qs, end)
        assert drawn == statistics.figures_for(results, end)

    check()
    change_the_log()
    check()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_statistics_page_draws_from_the_bitmaps_in_as_many_queries(
    client, django_assert_num_queries, settings, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    recounted_police_drones(rows)
    client.get(reverse("disclosures:statistics"))  # the process loads the snapshot
    # The filter panel's kept counts and the exemptions and keywords shown; the
    # snapshot's lookup, and the names of the exemptions and keywords charted
    with django_assert_num_queries(6):
        response = client.get(reverse("disclosures:statistics"))
    assert response.context["figures"].total == rows
    assert [bar.value for bar in response.context["figures"].exemptions] == [rows]


@pytest.mark.parametrize("spread", [1, 3, bitmaps.DENSE_IDS * 10])
def test_positions_of_ids_whether_ids_run_densely_or_not(spread):
    """Ids numbered densely are looked up in an array indexed by id, sparse ones by a
    binary search: both find the same positions, and leave out ids not numbered."""
    rng = np.random.default_rng(spread)
    size = 5_000
    ids = rng.permutation(np.arange(1, size + 1) * spread)  # positions in no id order
    snapshot = bitmaps._numbered(ids, np.zeros(size, dtype="<i8"), facets={}, terms={})
    assert (snapshot.position_by_id is not None) == (spread < bitmaps.DENSE_IDS)
    wanted = rng.choice(size, 700, replace=False)
    strangers = [0, -5, spread * size + 1, 10**12] + ([2] if spread > 2 else [])
    asked = np.concatenate([ids[wanted], strangers])
    assert sorted(snapshot.positions_of(asked).tolist()) == sorted(wanted.tolist())
    assert sorted(snapshot.positions_of(list(asked)).tolist()) == sorted(wanted.tolist())
    assert len(snapshot.positions_of([])) == len(snapshot.positions_of(None)) == 0
