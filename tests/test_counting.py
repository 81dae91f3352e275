"""Counting results from the snapshot's bitmaps (disclosures/counting.py, bitmaps.py):
searches and the filtered log, their facets, pages and statistics tallies. They must
always equal a count over the matches, whatever changed since the last snapshot."""

import datetime
import io
from collections import Counter

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from disclosures import bitmaps, counting, search, statistics
from disclosures.filters import DisclosureFilter
from disclosures.models import (
    Disclosure,
    Exemption,
    FacetSnapshot,
    Keyword,
    SnapshotChange,
)
from disclosures.results import Results, exemptions_with_public_counts
from tests.factories import DisclosureFactory, KeywordFactory

pytestmark = pytest.mark.django_db
LIST = reverse("disclosures:list")


def filterset(query: str) -> DisclosureFilter:
    return DisclosureFilter(QueryDict(query), queryset=Disclosure.objects.public())


def over_matches(query: str):
    return counting.counted_over_matches(filterset(query))


def from_bitmaps(query: str):
    """The counts read from the snapshot's bitmaps; None when no snapshot serves."""
    results = filterset(query)
    over = counting.select(results)
    return None if over is None else counting.counts(results, over)


def refresh(min_documents: int = 2) -> None:
    bitmaps.take_snapshot(min_documents)


# Searches of several words: a phrase (no bits of its own: found by its ids), and a
# word without another (its words' bits joined).
BROAD = ('q="police drones"', "q=police+-drones")
# Counted from bitmaps: filtered searches of common words, the filtered log, and
# searches of common words joined by AND, OR and NOT.
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
    """Entries about police drones in every state, in a snapshot: "police" and
    "drones" have bits (in at least two public entries), "helicopter" has not."""
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
    refresh()


def words_with_bits() -> set[str]:
    snapshot = FacetSnapshot.objects.get()
    return set(snapshot.bitmaps.filter(kind="t").values_list("key", flat=True))


def test_the_snapshot_keeps_bits_of_the_words_of_enough_public_entries(log):
    # Public entries only: never drafts, withdrawn or scheduled ones (counted over
    # their rows when their time comes).
    assert FacetSnapshot.objects.get().size == 4
    assert {"polic", "drone"} <= words_with_bits()
    assert "helicopt" not in words_with_bits()  # in one public entry
    assert "draft" not in words_with_bits()


def test_counts_from_bitmaps_are_exact_and_leave_out_what_is_not_public(log):
    total, counts = from_bitmaps("q=police")
    assert total == 4
    assert counts["outcome"] == {"granted-in-full": 2, "refused": 1, "granted-in-part": 1}
    assert counts["year"] == {"2023": 1, "2024": 3}
    assert (total, counts) == over_matches("q=police")
    assert from_bitmaps("q=drones") == over_matches("q=drones")
    assert from_bitmaps("q=drones")[0] == 2
    assert from_bitmaps("") == over_matches("")
    assert from_bitmaps("")[0] == 4
    # The order and invalid filters change nothing counted.
    assert from_bitmaps("sort=oldest&outcome=no-such-outcome") == from_bitmaps("")


@pytest.mark.parametrize(
    "query",
    [
        "q=helicopter",  # a word without bits: found by its ids
        "q=police+drones",
        "q=%22police+station%22",  # a phrase without bits, likewise
        "q=-police",
        "q=police+OR+drones",
        "q=police&outcome=refused",
        "q=police&date_from=2024-01-01",
        "q=police&keyword=drones",
        "outcome=refused",
        "date_to=2023-12-31",
        'q="police"',  # a quoted word: the word's bits
    ],
)
def test_every_search_of_the_public_log_is_counted_from_the_bitmaps(log, query):
    assert from_bitmaps(query) is not None
    assert from_bitmaps(query) == over_matches(query)


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


CHANGES = (
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
)


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_counts_follow_every_change(log, change):
    change()
    for query in ("q=police", "q=drones", "", *BROAD, *FROM_BITMAPS):
        assert from_bitmaps(query) is not None
        assert from_bitmaps(query) == over_matches(query), query


def test_every_change_in_turn_then_a_refresh(log):
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
        for query in ("q=police", "", *BROAD, *FROM_BITMAPS):
            assert from_bitmaps(query) == over_matches(query), (change.__name__, query)
    refresh()
    # A new snapshot, the scheduled entry in it (it came due). Left to count over their
    # rows: only entries published after the snapshot's time, which inside this test is
    # the test transaction's start: the draft published during the test, unless in the
    # same second (publication times are whole seconds).
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        snapshot_time = cursor.fetchone()[0]
    published_later = Disclosure.objects.filter(published_at__gt=snapshot_time)
    noted = set(SnapshotChange.objects.values_list("disclosure_id", flat=True))
    assert noted == set(published_later.values_list("pk", flat=True))
    for query in ("q=police", "", *BROAD, *FROM_BITMAPS):
        assert from_bitmaps(query) == over_matches(query), query


def test_a_counted_word_with_nothing_public_left_finds_nothing(client, log):
    Disclosure.objects.filter(title__icontains="drones").update(status="draft")
    assert from_bitmaps("q=drones") == (
        0,
        {"outcome": {}, "exemption": {}, "keyword": {}, "year": {}},
    )
    response = client.get(LIST, {"q": "drones"})
    assert response.context["facets"].total == 0
    assert not response.context["page_obj"].object_list


def test_the_page_shows_the_counts_of_the_bitmaps(client, log):
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


def refreshed_police_drones(rows: int) -> None:
    """A log of ``rows`` published entries about police drones, all alike, in a
    snapshot."""
    for n in range(rows):
        DisclosureFactory(title=f"Police drones {n}", keywords=["Drones"], exemptions=["s40-2"])
    refresh()


# validators (freshness), the snapshot's lookup, the exemptions and keywords shown,
# rows, the exemptions they cite; the whole log newest first finds its page's ids from
# the bitmaps; a search, in order of relevance, ranks them in a query of their own, and
# adds headlines and two for the suggestion lookup (similarity threshold, vocabulary).
@pytest.mark.parametrize(("params", "queries"), [({"q": "police"}, 10), ({}, 6)])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_page_counted_from_bitmaps_makes_as_many_queries_whatever_the_rows(
    client, django_assert_num_queries, settings, params, queries, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    refreshed_police_drones(rows)
    client.get(LIST, params)  # the process loads the snapshot
    with django_assert_num_queries(queries):
        response = client.get(LIST, params)
    assert response.context["facets"].total == rows
    assert {o.value: o.count for o in response.context["facets"].keyword} == {"drones": rows}


def test_the_command_says_what_it_kept(db):
    DisclosureFactory.create_batch(3, title="Police drones")
    out = io.StringIO()
    call_command("refresh_search_data", "--min-documents", "3", stdout=out)
    # Bitmaps of each word and each phrase of two of them in three entries: "police
    # drones", "please tell", "tell me how"...
    words = words_with_bits()
    phrases = phrase_bits(FacetSnapshot.objects.get().pk)
    assert {"polic", "drone"} <= words
    assert {"'polic' <-> 'drone'", "'pleas' <-> 'tell'", "'tell' <3> 'mani'"} <= phrases
    assert (
        f"Took a snapshot of the 3 public disclosures, with bitmaps of {len(words)} words "
        f"and {len(phrases)} phrases in at least 3 of them"
    ) in out.getvalue()
    out = io.StringIO()
    call_command("refresh_search_data", "--min-documents", "4", stdout=out)
    assert "fewer than 4 entries" in out.getvalue()
    assert not FacetSnapshot.objects.exists()


def test_the_command_refuses_a_threshold_below_one(db):
    with pytest.raises(CommandError):
        call_command("refresh_search_data", "--min-documents", "0")


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


def test_a_search_of_stop_words_alone_is_counted_over_its_no_matches(log):
    assert from_bitmaps("q=the&outcome=refused") is None
    assert Results(QueryDict("q=the&outcome=refused")).total == 0


def test_bitmaps_serve_the_public_log_only(log):
    narrowed = Disclosure.objects.public().filter(reference="A")
    results = Results(QueryDict("q=police&outcome=refused"), queryset=narrowed)
    assert counting.select(results.filterset) is None
    assert results.total == 0


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
    monkeypatch.setattr(counting, "MAX_CHANGES", 1)
    assert from_bitmaps("q=police&outcome=refused") is not None  # the scheduled entry
    withdraw()
    assert from_bitmaps("q=police&outcome=refused") is None
    total = Results(QueryDict("q=police&outcome=refused")).total
    assert total == over_matches("q=police&outcome=refused")[0] == 1


def test_a_small_log_takes_no_snapshot_and_notes_nothing(db):
    DisclosureFactory.create_batch(3, title="Police drones")
    refresh(min_documents=10)
    assert not FacetSnapshot.objects.exists()
    DisclosureFactory(title="Police drones")
    Disclosure.objects.update(outcome="refused")
    assert not SnapshotChange.objects.exists()
    assert from_bitmaps("q=police&outcome=refused") is None


def test_a_snapshot_replaces_the_last(log):
    first = FacetSnapshot.objects.get().pk
    assert from_bitmaps("outcome=refused")[0] == 1
    Disclosure.objects.filter(reference="C").update(outcome="refused")
    refresh()
    assert FacetSnapshot.objects.get().pk != first
    assert from_bitmaps("outcome=refused")[0] == 2 == over_matches("outcome=refused")[0]


# As a page of one word with bits (above), with the snapshot's first load by the
# process done: validators, the chosen exemption checked, the snapshot lookup, the
# exemptions and keywords shown, page ids, rows, the exemptions they cite, headlines and
# the suggestion's two; and one more when entries changed since the snapshot, to count
# them. A search with a word without bits ("helicopter") makes one more, for its
# matches' ids; without the filter, it checks no exemption.
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({"q": "police", "exemption": "s40-2"}, 11),
        ({"q": "police -helicopter", "exemption": "s40-2"}, 12),
        ({"q": "police -helicopter"}, 11),
    ],
)
@pytest.mark.parametrize("changed", [False, True])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_filtered_page_counted_from_bitmaps_makes_as_many_queries_whatever_the_rows(
    client, django_assert_num_queries, settings, params, queries, changed, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    refreshed_police_drones(rows)
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
    """The snapshot searches read: the last taken, full or a delta."""
    return bitmaps._snapshot(FacetSnapshot.objects.latest("pk").pk)


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
    refresh()


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
    refresh(min_documents=2)
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
    refresh()


@pytest.fixture
def partly_undated(dated):
    """The dated log and five entries whose log recorded no response date and no
    outcome (the oldest, as the log's order has it), in a snapshot."""
    for n in range(5):
        DisclosureFactory(
            reference=f"U{n}",
            title=f"Police drones undated {n}",
            response_date=None,
            outcome="not-recorded",
            keywords=["Drones"] if n % 2 else [],
            exemptions=["s40-2"] if n % 3 == 0 else [],
        )
    refresh()


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


# Pages checked against the date index's rows, read from a full snapshot and through a delta.
PAGE_QUERIES = [
    "",
    "q=police",
    "q=police&sort=oldest",
    "q=drones+-helicopter&sort=newest",
    "q=%22police+drones+again%22",  # no bits of its own: found by ids
    "outcome=granted-in-full&date_to=2024-01-03",
    "q=police&keyword=drones&sort=oldest",
]


@pytest.mark.parametrize("query", PAGE_QUERIES)
@LOGS
def test_pages_found_from_bitmaps_hold_the_rows_the_date_index_gives(request, log_name, query):
    request.getfixturevalue(log_name)
    assert_every_page_as_the_date_index(query)
    change_the_log()
    assert_every_page_as_the_date_index(query)


def assert_every_page_as_the_date_index(query: str) -> None:
    """Every page of three of the results, read from the bitmaps, holds the rows the
    date index gives."""
    results = filterset(query)
    over = counting.select(results)
    assert over is not None
    total = counting.counts(results, over)[0]
    newest_first = results.current_sort != "oldest"
    in_order = results.filtered_without().in_date_order(newest_first)
    expected = list(in_order.values_list("pk", flat=True))
    assert len(expected) == total
    for bottom in range(total):
        top = min(bottom + 3, total)
        found = counting.page_ids(results, over, newest_first, bottom, top, total)
        assert found == expected[bottom:top], (bottom, top)


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
        counted = from_bitmaps(query)
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
        ranked = counting.ranked_by_id(results, counting.select(results))
        assert ranked is not None
        expected = list(results.qs.values_list("pk", flat=True))
        assert list(ranked.values_list("pk", flat=True)) == expected

    check()
    change_the_log()  # entries changed since the snapshot are read from their rows
    check()


def test_results_are_ranked_by_id_only_for_a_filtered_search_of_the_public_log(dated):
    def ranked(results: DisclosureFilter):
        over = counting.select(results)
        return None if over is None else counting.ranked_by_id(results, over)

    assert ranked(filterset("outcome=refused")) is None
    assert ranked(filterset("q=police")) is None
    assert ranked(filterset("q=police&outcome=refused")) is not None
    everything = DisclosureFilter(
        QueryDict("q=police&outcome=refused"), queryset=Disclosure.objects.all()
    )
    assert ranked(everything) is None


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
            patched.setattr(counting, "ranked_by_id", lambda results, over: None)
            assert by_id == page()
        assert by_id


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_page_in_date_order_is_found_from_bitmaps_as_the_date_index_orders_it(
    client, django_assert_num_queries, settings, dated, sort
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    params = {"q": "police", "page": 2, "sort": sort}
    client.get(LIST, params)  # the process loads the snapshot

    def shown() -> list[str]:
        return [d.reference for d in client.get(LIST, params).context["page_obj"].object_list]

    def by_the_date_index() -> list[str]:
        found = search.search(Disclosure.objects.public(), "police")
        found = found.in_date_order(newest_first=sort == "newest")
        return list(found.values_list("reference", flat=True)[20:40])

    # validators, the snapshot's lookup, the results changed since (the scheduled
    # entry, from the start) counted, and their dates placed among the page's ids, the
    # exemptions and keywords shown, rows, the exemptions they cite, headlines, the
    # suggestion's two.
    for change in (lambda: None, change_the_log):
        change()
        expected = by_the_date_index()
        with django_assert_num_queries(11):
            found = shown()
        assert found == expected


def test_the_home_page_and_the_exemptions_count_from_the_bitmaps(
    client, django_assert_num_queries, settings, log
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0

    def counted_afresh() -> dict[str, int]:
        return {e.slug: e.public_count for e in Exemption.objects.with_public_counts()}

    def from_the_bitmaps() -> dict[str, int]:
        return {e.slug: e.public_count for e in exemptions_with_public_counts()}

    for change in (None, publish_draft, withdraw, schedule_comes_due, add_an_entry):
        if change:
            change()
        assert Results().total == Disclosure.objects.public().count()
        assert from_the_bitmaps() == counted_afresh()
    assert from_the_bitmaps()["s24-1"] == 2  # B and the entry added; not the withdrawn one
    # validators, latest, the exemptions they cite, the snapshot's lookup and the
    # entries changed since, counted: no pass over the log
    with django_assert_num_queries(5):
        response = client.get(reverse("disclosures:home"))
    assert response.context["total"] == Disclosure.objects.public().count() == 6
    # validators, the snapshot's lookup and the entries changed since, the exemptions
    with django_assert_num_queries(4):
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
        over = counting.select(results)
        assert over is not None
        drawn = statistics.figures_of(counting.tallies(results, over), end)
        counted = statistics.figures_of(counting.tallies(results, None), end)
        assert drawn == counted

    check()
    change_the_log()
    check()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_statistics_page_draws_from_the_bitmaps_in_as_many_queries(
    client, django_assert_num_queries, settings, rows
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    refreshed_police_drones(rows)
    client.get(reverse("disclosures:statistics"))  # the process loads the snapshot
    # The snapshot's lookup, shared by the figures and the filter panel; the names of
    # the exemptions and keywords charted, and of those the panel shows
    with django_assert_num_queries(5):
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


# --- Deltas: a refresh that costs what changed -------------------------------------------


def take_delta() -> FacetSnapshot:
    delta = bitmaps.take_delta()
    assert delta is not None
    assert delta.base_id is not None
    return delta


def test_no_delta_without_a_full_snapshot(db):
    DisclosureFactory(title="Police drones")
    assert bitmaps.take_delta() is None
    assert not FacetSnapshot.objects.exists()


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_delta_of_any_change_counts_as_its_matches(log, change):
    change()
    take_delta()
    for query in ("q=police", "q=drones", "", *BROAD, *FROM_BITMAPS):
        assert from_bitmaps(query) is not None
        assert from_bitmaps(query) == over_matches(query), query


def test_changes_after_a_delta_count_over_their_rows_and_the_next_delta_holds_them_all(log):
    full = FacetSnapshot.objects.get()
    for number, change in enumerate(
        (publish_draft, withdraw, change_outcome_and_date, add_an_entry, change_keywords)
    ):
        change()
        if number % 2:
            take_delta()
            # One delta at a time, of the full snapshot, holding every change since it.
            assert FacetSnapshot.objects.filter(base=full).count() == 1
            assert FacetSnapshot.objects.count() == 2
        for query in ("q=police", "", *BROAD, *FROM_BITMAPS):
            assert from_bitmaps(query) == over_matches(query), (change.__name__, query)
    delta = take_delta()
    changed = set(np.frombuffer(delta.covered, dtype="<i8").tolist())
    references = ["A", "C", "DRAFT", "SOON", "Police drones again"]
    assert changed == {Disclosure.objects.get(Q(reference=r) | Q(title=r)).pk for r in references}
    # Public of those: all but the withdrawn and the scheduled entry.
    assert delta.size == 3


def test_a_delta_leaves_what_is_not_due_yet_noted_and_counts_it_when_due(log):
    soon = Disclosure.objects.get(reference="SOON").pk
    withdraw()
    take_delta()
    assert list(SnapshotChange.objects.values_list("disclosure_id", flat=True)) == [soon]
    schedule_comes_due()
    assert from_bitmaps("q=drones") == over_matches("q=drones")
    delta = take_delta()
    assert not SnapshotChange.objects.exists()
    assert soon in current_snapshot().ids[: current_snapshot().size].tolist()
    assert delta.size == 1  # the scheduled entry, now public; not the withdrawn one
    assert from_bitmaps("q=drones") == over_matches("q=drones")


def test_nothing_unpublished_is_counted_or_shown_through_a_delta(client, log, settings):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    withdraw()
    unpublish()
    take_delta()
    gone = set(Disclosure.objects.filter(reference__in=["A", "B"]).values_list("pk", flat=True))
    snapshot = current_snapshot()
    assert len(snapshot.positions_of(list(gone))) == 0
    for query in ("", "q=police", "q=drones", "q=police&outcome=refused"):
        results = Results(QueryDict(query))
        shown = {row.pk for row in results.page(None).object_list}
        assert not shown & gone
        assert results.total == over_matches(query)[0]
    response = client.get(LIST, {"q": "drones"})
    assert not response.context["page_obj"].object_list  # A and B were all it found


@pytest.mark.parametrize("query", PAGE_QUERIES)
@LOGS
def test_pages_through_a_delta_hold_the_rows_the_date_index_gives(request, log_name, query):
    request.getfixturevalue(log_name)
    change_the_log()
    take_delta()
    assert_every_page_as_the_date_index(query)
    # And entries changed after the delta, read from their rows, go in among both runs.
    Disclosure.objects.filter(reference__in=["P13", "P20"]).update(
        response_date=datetime.date(2024, 1, 2)
    )
    Disclosure.objects.get(reference="P10").withdraw("Published in error.")
    DisclosureFactory(title="Police drones late", response_date=datetime.date(2024, 1, 1))
    assert_every_page_as_the_date_index(query)


@pytest.mark.parametrize(
    "query",
    [
        "q=police&date_to=2024-01-03",
        "q=drones&outcome=granted-in-full",
        "q=%22police+drones+again%22&outcome=granted-in-full",  # found by ids
    ],
)
def test_results_ranked_by_id_through_a_delta_are_those_the_search_ranks(dated, query):
    change_the_log()
    take_delta()
    results = filterset(query)
    ranked = counting.ranked_by_id(results, counting.select(results))
    assert ranked is not None
    assert list(ranked.values_list("pk", flat=True)) == list(
        results.qs.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "query", ["", "q=police", "outcome=refused", "q=drones&keyword=drones", "exemption=s40-2"]
)
@LOGS
def test_statistics_drawn_through_a_delta_are_those_counted_over_the_results(
    request, log_name, query
):
    request.getfixturevalue(log_name)
    change_the_log()
    take_delta()
    results = filterset(query)
    over = counting.select(results)
    end = datetime.date(2024, 12, 31)
    drawn = statistics.figures_of(counting.tallies(results, over), end)
    assert drawn == statistics.figures_of(counting.tallies(results, None), end)


@pytest.mark.parametrize(
    "query",
    [
        "'use' <2> 'forc'",
        "'forc' <-> 'use'",
        "'use' <3> 'forc' & 'polic'",
        "!( 'use' <2> 'forc' ) & 'custodi'",
    ],
)
def test_a_delta_reads_the_full_snapshots_words_and_phrases_in_its_entries(phrases, query):
    DisclosureFactory(title="Use of force by dogs")
    DisclosureFactory(title="Police use of the force boats")
    Disclosure.objects.filter(title="Use of force in custody").update(title="Use of tasers")
    Disclosure.objects.get(title="Force use in police custody").withdraw("Published in error.")
    take_delta()
    snapshot = current_snapshot()
    found = bitmaps.matching(snapshot, query)
    assert found is not None
    assert (found == positions_found(snapshot, query)).all()


def test_words_common_only_since_the_full_snapshot_are_found_by_ids(log):
    for n in range(3):
        DisclosureFactory(title=f"Helicopter hours {n}")
    take_delta()
    results = filterset("q=helicopter")
    over = counting.select(results)
    assert over.found_by_ids
    assert counting.counts(results, over) == over_matches("q=helicopter")
    assert over_matches("q=helicopter")[0] == 4


def test_a_full_snapshot_replaces_the_full_snapshot_and_its_delta(log):
    withdraw()
    take_delta()
    assert FacetSnapshot.objects.count() == 2
    snapshot = bitmaps.take_snapshot(2)
    assert list(FacetSnapshot.objects.values_list("pk", flat=True)) == [snapshot.pk]
    assert from_bitmaps("q=police") == over_matches("q=police")


def test_refresh_takes_a_delta_while_few_entries_changed_and_a_full_snapshot_after(
    log, monkeypatch
):
    # Four public entries; one changed (besides the scheduled one noted): a delta at a
    # half of the log, a full snapshot once more have changed.
    monkeypatch.setattr(bitmaps, "DELTA_SHARE", 0.5)
    full = FacetSnapshot.objects.get()
    withdraw()
    assert bitmaps.refresh(2).base_id == full.pk
    change_outcome_and_date()
    add_an_entry()
    taken = bitmaps.refresh(2)
    assert taken.base_id is None
    assert list(FacetSnapshot.objects.values_list("pk", flat=True)) == [taken.pk]
    for query in ("q=police", "", *FROM_BITMAPS):
        assert from_bitmaps(query) == over_matches(query), query


# As a page read from a full snapshot (above): the delta's joining is once a process.
@pytest.mark.parametrize(("params", "queries"), [({"q": "police"}, 10), ({}, 6)])
def test_a_page_read_through_a_delta_makes_as_many_queries(
    client, django_assert_num_queries, settings, params, queries
):
    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    refreshed_police_drones(30)
    Disclosure.objects.filter(pk__in=Disclosure.objects.values("pk")[:3]).update(outcome="refused")
    DisclosureFactory(title="Police drones late", keywords=["Drones"])
    take_delta()
    client.get(LIST, params)  # the process joins the delta to the full snapshot
    with django_assert_num_queries(queries):
        response = client.get(LIST, params)
    assert response.context["facets"].total == 31
    outcomes = {o.value: o.count for o in response.context["facets"].outcome if o.count}
    assert outcomes == {"granted-in-full": 28, "refused": 3}


def test_the_command_takes_a_delta_with_changes_only(log):
    withdraw()
    out = io.StringIO()
    call_command("refresh_search_data", "--changes-only", stdout=out)
    assert "delta of the 2 entries changed since the last full snapshot, 0 of them public" in (
        out.getvalue()
    )
    assert FacetSnapshot.objects.count() == 2


def test_the_command_refuses_a_delta_without_a_full_snapshot(db):
    with pytest.raises(CommandError, match="no full snapshot"):
        call_command("refresh_search_data", "--changes-only", stdout=io.StringIO())


def test_no_bitmap_of_a_delta_holds_an_entry_changed_since_the_full_snapshot(log):
    """Counts AND every facet with the search's bits, which never hold a changed entry's
    old position; the facets' own bits must not either, whatever reads them alone."""
    withdraw()
    change_keywords()
    take_delta()
    snapshot = current_snapshot()
    outside = ~snapshot.everything
    # A, answered first, had the full snapshot's first position: a hole now.
    assert snapshot.ids[0] == Disclosure.objects.get(reference="A").pk
    assert not snapshot.everything[0] & 1
    for _known, stack in snapshot.facets.values():
        assert not (stack & outside).any()
    for term in snapshot.terms:
        assert not (snapshot.bits_of(term) & outside).any()


# --- Hyphenated words in phrases -----------------------------------------------------------


@pytest.fixture
def compounds(db):
    """Entries with hyphenated words, and the same words apart or in another order;
    counted at two entries."""
    for title in [
        "Body-worn video footage",
        "Body-worn video in custody",
        "Body-worn cameras and video",  # the word, then "video" later on
        "Body worn video policy",  # the words without the hyphen
        "Body worn video review",
        "Video body-worn trial",
        "Up-to-date systems list",
        "Up-to-date systems review",
        "E-mail address of the force",
        "E-mail address book",
    ]:
        DisclosureFactory(title=title)
    DisclosureFactory(title="Body-worn video draft", draft=True)
    refresh()


def as_tsquery(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('foilog', %s)::text", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ('"body-worn video"', "'body-worn' <3> 'video'"),
        ('"e-mail address"', "'e-mail' <3> 'address'"),
        ('"body-worn video" OR "e-mail address"', "'body-worn' <3> 'video'"),
    ],
)
def test_a_hyphenated_word_and_a_word_after_its_parts_read_as_a_pair(compounds, text, pair):
    query = as_tsquery(text)
    words = [word for kind, word in bitmaps._tokens(query) if kind == "word"]
    assert len(words) >= 4  # the hyphenated word, its parts, the word after
    snapshot = current_snapshot()
    found = bitmaps.matching(snapshot, query)
    assert found is not None
    assert (found == positions_found(snapshot, query)).all()
    assert bitmaps.bit_count(found) > 0
    assert snapshot.bits_of(pair) is not None
    assert from_bitmaps(f"q={text}") == over_matches(f"q={text}")


@pytest.mark.parametrize(
    "text",
    [
        '"body-worn video footage"',  # in one entry only
        '"video body-worn"',
        '"body worn video policy"',  # four words
        '"up-to-date systems"',  # 'up-to-d' <4> 'system': too far apart to keep
    ],
)
def test_other_phrases_with_hyphenated_words_are_found_by_ids(compounds, text):
    snapshot = current_snapshot()
    assert bitmaps.matching(snapshot, as_tsquery(text)) is None
    assert from_bitmaps(f"q={text}") == over_matches(f"q={text}")


def test_a_hyphenated_word_near_the_last_position_reads_as_postgresql_does(db):
    """Past position 16383 PostgreSQL keeps no more positions: "body-worn video" two
    words before it is found; one word before it, its parts and "video" share 16383,
    and it is not. "video body-worn" at the last position: its parts are not after it,
    so the phrase is not found, though "video" <-> "body-worn" is."""
    for fillers in (16378, 16378, 16379, 16379):
        DisclosureFactory(
            title="Report", request_text=" ".join(["filler"] * fillers + ["body-worn video"])
        )
    for _ in range(2):
        DisclosureFactory(
            title="Report", request_text=" ".join(["filler"] * 16380 + ["video body-worn"])
        )
    refresh(min_documents=2)
    snapshot = current_snapshot()
    query = as_tsquery('"body-worn video"')
    found = bitmaps.matching(snapshot, query)
    assert found is not None
    assert (found == positions_found(snapshot, query)).all()
    assert bitmaps.bit_count(found) == 2
    assert snapshot.bits_of("'video' <-> 'body-worn'") is not None
    query = as_tsquery('"video body-worn"')
    assert not positions_found(snapshot, query).any()
    assert bitmaps.matching(snapshot, query) is None  # found by ids


# --- Phrases of three words ----------------------------------------------------------------


@pytest.fixture
def triples(db):
    """Entries with phrases of three words, and their pairs in the same entries apart;
    counted at two entries."""
    for title in [
        "Body worn video policy",
        "Body worn video review",
        "Body worn video review",
        "Body worn cameras and worn video",  # both pairs, never the three words
        "Body worn cameras and worn video",
        "Video worn body",
        "Physical or mental health of officers",
        "Physical or mental health of staff",
        "Physical or mental wellbeing and mental health",  # both pairs apart
        "Physical or mental wellbeing and mental health",
        "Body-worn video footage",
        "Body-worn video footage kept",
    ]:
        DisclosureFactory(title=title)
    for state in ("draft", "withdrawn", "scheduled"):
        DisclosureFactory(title=f"Worn video body {state}", **{state: True})
        DisclosureFactory(title=f"Worn video body {state}", **{state: True})
    refresh()


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ('"body worn video"', "'bodi' <-> 'worn' <-> 'video'"),
        ('"physical or mental health"', "'physic' <2> 'mental' <-> 'health'"),
        ('"body-worn video footage"', "'body-worn' <3> 'video' <-> 'footag'"),
        ('"body-worn"', "'body-worn' <-> 'bodi' <-> 'worn'"),  # the word and its parts
        ('"body worn video" -review', "'bodi' <-> 'worn' <-> 'video'"),
    ],
)
def test_a_phrase_of_three_counted_words_reads_its_own_bits(triples, text, triple):
    """Exactly the entries holding the three words in a row: not those holding its two
    pairs apart, which the pairs' bits ANDed would give."""
    query = as_tsquery(text)
    snapshot = current_snapshot()
    assert snapshot.bits_of(triple) is not None
    found = bitmaps.matching(snapshot, query)
    assert found is not None
    assert (found == positions_found(snapshot, query)).all()
    assert bitmaps.bit_count(found) >= 2
    assert from_bitmaps(f"q={text}") == over_matches(f"q={text}")


def test_two_pairs_apart_are_not_a_phrase_of_three(triples):
    snapshot = current_snapshot()
    pairs = snapshot.bits_of("'bodi' <-> 'worn'") & snapshot.bits_of("'worn' <-> 'video'")
    triple = snapshot.bits_of("'bodi' <-> 'worn' <-> 'video'")
    assert bitmaps.bit_count(pairs) == bitmaps.bit_count(triple) + 2
    assert bitmaps.bit_count(triple) == 5  # "body-worn video" holds its parts, then video


def test_only_phrases_of_three_in_enough_public_entries_get_bits(triples):
    keys = phrase_bits(FacetSnapshot.objects.get().pk)
    assert "'bodi' <-> 'worn' <-> 'video' <-> 'review'" not in keys  # four words
    assert "'video' <-> 'worn' <-> 'bodi'" not in keys  # in one public entry only
    assert "'worn' <-> 'video' <-> 'bodi'" not in keys  # in entries not public
    assert "'bodi' <-> 'worn' <-> 'camera'" in keys


@pytest.mark.parametrize(
    "text",
    [
        '"body worn video review"',  # four words
        '"video worn body"',  # in one public entry only
        '"worn video body"',  # in entries not public only
    ],
)
def test_other_phrases_of_three_or_more_are_found_by_ids(triples, text):
    snapshot = current_snapshot()
    assert bitmaps.matching(snapshot, as_tsquery(text)) is None
    assert from_bitmaps(f"q={text}") == over_matches(f"q={text}")


def test_a_delta_reads_the_full_snapshots_phrases_of_three_in_its_entries(triples):
    DisclosureFactory(title="Body worn video trial")
    DisclosureFactory(title="Body worn cameras and worn video")
    Disclosure.objects.filter(title="Body worn video policy").update(title="Tasers policy")
    Disclosure.objects.filter(title="Worn video body draft").update(
        status=Disclosure.Status.PUBLISHED, published_at=timezone.now()
    )
    take_delta()
    snapshot = current_snapshot()
    for text in ['"body worn video"', '"physical or mental health"', '"worn video body"']:
        query = as_tsquery(text)
        found = bitmaps.matching(snapshot, query)
        if text != '"worn video body"':  # no bits in the full snapshot: none in its delta
            assert found is not None, text
            assert (found == positions_found(snapshot, query)).all(), text
        assert from_bitmaps(f"q={text}") == over_matches(f"q={text}"), text


def test_every_phrase_kept_holds_the_entries_postgresql_finds(db):
    """Entries of random words from a few, stop words among them: every phrase of two
    or three words with bits holds exactly the entries its query finds."""
    rng = np.random.default_rng(7)
    vocabulary = ["police", "body", "worn", "video", "of", "the", "force", "use", "camera"]
    for _ in range(60):
        DisclosureFactory(title=" ".join(rng.choice(vocabulary, size=rng.integers(3, 12))))
    refresh(min_documents=3)
    snapshot = current_snapshot()
    kept = phrase_bits(FacetSnapshot.objects.get().pk)
    assert sum(key.count("'") == 6 for key in kept) > 20  # many phrases of three words
    for phrase in kept:
        assert (snapshot.bits_of(phrase) == positions_found(snapshot, phrase)).all(), phrase


def test_phrases_of_three_hold_past_the_last_position_postgresql_keeps(db):
    """Past position 16383 the words share the last position: "worn" and "video" there
    follow "body" once, and each other not at all, as PostgreSQL reads it."""
    request = " ".join(["filler"] * 16379 + ["use", "body", "worn", "video", "police"])
    for _ in range(2):
        DisclosureFactory(title="Report", request_text=request)
    refresh(min_documents=2)
    snapshot = current_snapshot()
    for text in ['"use body worn"', '"body worn video"', '"use body video"', '"worn video police"']:
        query = as_tsquery(text)
        found = bitmaps.matching(snapshot, query)
        expected = positions_found(snapshot, query)
        if found is None:  # no bits: PostgreSQL finds none either
            assert not expected.any(), text
        else:
            assert (found == expected).all(), text
    assert bitmaps.matching(snapshot, as_tsquery('"use body worn"')) is not None


def test_undated_entries_come_first_in_the_logs_order_before_any_date():
    days = np.array(
        [bitmaps.UNDATED, bitmaps.day_of(datetime.date(1900, 1, 1)), 0, bitmaps.day_of(None)],
        dtype=np.int64,
    )
    keys = bitmaps.order_keys(days, np.array([7, 3, 5, 2], dtype=np.int64))
    assert np.argsort(keys).tolist() == [3, 0, 1, 2]
