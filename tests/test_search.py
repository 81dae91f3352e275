"""Ranked full-text search, highlights, suggestions and facet counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosures import search
from disclosures.models import Disclosure, Outcome, SearchWord
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
LIST = reverse("disclosures:list")


def found(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [d.reference for d in response.context["page_obj"].object_list]


def test_title_match_outranks_narrative_only_match(client):
    DisclosureFactory(
        reference="NARRATIVE",
        title="Fleet costs",
        response_date="2024-06-01",
        response_narrative="We do not hold records of tasers.",
    )
    DisclosureFactory(
        reference="TITLE", title="Tasers issued to officers", response_date="2020-01-01"
    )
    assert found(client, q="tasers") == ["TITLE", "NARRATIVE"]


def test_keyword_weighs_like_the_title(client):
    DisclosureFactory(
        reference="REQUEST", request_text="How many drones?", response_date="2024-01-01"
    )
    DisclosureFactory(reference="KEYWORD", keywords=["Drones"], response_date="2020-01-01")
    assert found(client, q="drones") == ["KEYWORD", "REQUEST"]


def test_sort_newest_overrides_relevance(client):
    DisclosureFactory(reference="OLD", title="Tasers", response_date="2020-01-01")
    DisclosureFactory(
        reference="NEW", title="Fleet", response_narrative="tasers", response_date="2024-01-01"
    )
    assert found(client, q="tasers", sort="newest") == ["NEW", "OLD"]
    assert found(client, q="tasers", sort="oldest") == ["OLD", "NEW"]
    assert found(client, q="tasers") == ["OLD", "NEW"]


def test_stemming_finds_other_forms_of_a_word(client):
    DisclosureFactory(reference="A", title="Predictive policing")
    assert found(client, q="police") == ["A"]
    assert found(client, q="policed") == ["A"]


def test_accents_are_ignored_both_ways(client):
    DisclosureFactory(reference="CAFE", title="Licensing of the café on the Llŷn peninsula")
    assert found(client, q="cafe") == ["CAFE"]
    assert found(client, q="Llyn") == ["CAFE"]
    assert found(client, q="Llŷn") == ["CAFE"]


def test_quoted_phrase_needs_the_words_together(client):
    DisclosureFactory(reference="PHRASE", title="Stop and search figures")
    DisclosureFactory(reference="APART", title="Search warrants", request_text="Stop the cars")
    assert sorted(found(client, q="stop search")) == ["APART", "PHRASE"]
    assert found(client, q='"stop and search"') == ["PHRASE"]


def test_excluded_word(client):
    DisclosureFactory(reference="DRONES", title="Drones and helicopters")
    DisclosureFactory(reference="HELI", title="Helicopters")
    assert found(client, q="helicopters -drones") == ["HELI"]


def test_or_finds_either(client):
    DisclosureFactory(reference="T", title="Tasers")
    DisclosureFactory(reference="D", title="Drones")
    DisclosureFactory(reference="X", title="Overtime")
    assert sorted(found(client, q="tasers OR drones")) == ["D", "T"]


@pytest.mark.parametrize("typed", ["16495", "FOI/23/1234", "foi/23/1234", "  FOI/23/1234 "])
def test_reference_in_the_box_goes_straight_to_it(client, typed):
    DisclosureFactory(reference="16495")
    DisclosureFactory(reference="FOI/23/1234")
    response = client.get(LIST, {"q": typed})
    assert response.status_code == 302
    assert response.url in ("/disclosures/16495/", "/disclosures/FOI/23/1234/")


def test_a_reference_typed_in_another_case_goes_to_the_newest_that_matches(client):
    DisclosureFactory(reference="FOI-7", response_date=datetime.date(2023, 1, 1))
    newer = DisclosureFactory(reference="foi-7", response_date=datetime.date(2024, 1, 1))
    response = client.get(LIST, {"q": "Foi-7"})
    assert response.status_code == 302
    assert response.url == newer.get_absolute_url()


def test_a_reference_is_looked_up_in_its_own_index():
    # Else every search holding a digit ("section 136") tests every entry's reference.
    # Over an empty table every index costs the same, and the planner's pick depends on
    # what earlier tests left in its statistics: give it rows to choose by.
    Disclosure.objects.bulk_create(
        Disclosure(
            reference=f"FOI/23/{n}",
            title="Drones",
            request_text="How many drones?",
            outcome=Outcome.GRANTED,
            response_date=datetime.date(2023, 1, 1),
            status=Disclosure.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(500)
    )
    lookup = Disclosure.objects.public().filter(reference__iexact="FOI/23/1234").order_by()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disclosures_disclosure")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = lookup.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosure_reference_upper" in plan


def test_reference_of_a_draft_does_not_jump(client):
    DisclosureFactory(reference="FOI/23/9999", draft=True)
    response = client.get(LIST, {"q": "FOI/23/9999"})
    assert response.status_code == 200


def test_snippet_marks_matched_words_and_escapes_html(client):
    DisclosureFactory(
        title="Drone <b>fleet</b>",
        request_text="<script>alert(1)</script> How many drones does the force fly?",
    )
    html = client.get(LIST, {"q": "drones"}).content.decode()
    assert "<mark>drones</mark>" in html
    assert "<mark>Drone</mark> &lt;b&gt;fleet&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "many <mark>drones</mark> does the force fly?" in html


def test_headlines_are_computed_for_the_page_only(client, django_assert_max_num_queries):
    DisclosureFactory.create_batch(45, title="Drones")
    response = client.get(LIST, {"q": "drones", "page": 3})
    rows = response.context["page_obj"].object_list
    assert len(rows) == 5
    assert all("<mark>" in row.title_headline for row in rows)


def test_a_pages_rows_are_read_by_id_without_testing_the_search_again(client):
    # Its ids were found by the search; tested again, a phrase PostgreSQL misjudges as
    # rare reads the search index for all its matches instead of twenty rows by id.
    DisclosureFactory.create_batch(25, title="Automatic number plate recognition")
    DisclosureFactory(title="Drones", draft=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": '"automatic number plate recognition"'})
    assert len(response.context["page_obj"].object_list) == 20
    rows = [q["sql"] for q in queries.captured_queries if '."reference", ' in q["sql"]]
    assert len(rows) == 1
    assert "@@" not in rows[0]
    assert "published_at" in rows[0]  # still only public rows


def test_suggestion_for_misspelt_words_is_a_link(client):
    DisclosureFactory(title="Predictive policing", request_text="Do you use drones?")
    response = client.get(LIST, {"q": "polcing drones"})
    assert response.context["suggestion"] == "policing drones"
    assert '<a href="?q=policing%20drones">policing drones</a>' in response.content.decode()


def test_suggestion_keeps_quotes_and_operators(client):
    DisclosureFactory(title="Body worn video", request_text="cameras")
    assert search.suggest('"body worn videp" -drones', Disclosure.objects.public()) == (
        '"body worn video" -drones'
    )


def test_no_suggestion_when_every_word_is_known(client):
    DisclosureFactory(title="Predictive policing")
    assert client.get(LIST, {"q": "policing"}).context["suggestion"] is None


def test_words_of_unpublished_entries_are_never_suggested(client, unpublished):
    DisclosureFactory(reference="Q", title="Quarterly figures")
    # "Secret" exists only in unpublished entries.
    assert client.get(LIST, {"q": "secrte"}).context["suggestion"] is None


def suggestion(client, q: str) -> str | None:
    return client.get(LIST, {"q": q}).context["suggestion"]


def vocabulary() -> set[str]:
    return set(SearchWord.objects.values_list("word", flat=True))


# Each word below appears in one kind of entry the public must never see, and nowhere
# else; "police" is in a public entry, so queries joining them with OR or - find it.
HIDDEN_WORDS = {
    "draft": "watchlist",
    "scheduled": "tutoring",
    "withdrawn": "religiously",
    "deleted": "superintendent",
}
TYPED = {
    "watchlist": "watchlst",
    "tutoring": "tutorng",
    "religiously": "religiosly",
    "superintendent": "superintendnt",
}


@pytest.fixture
def hidden_words(db):
    DisclosureFactory(reference="PUBLIC", title="Police vehicles", request_text="Police cars")
    DisclosureFactory(reference="D", title="Watchlist entries", draft=True)
    DisclosureFactory(reference="S", title="Tutoring costs", scheduled=True)
    DisclosureFactory(reference="W", title="Religiously motivated crime", withdrawn=True)
    gone = DisclosureFactory(reference="X", title="Superintendent pay")
    gone.delete()


@pytest.mark.parametrize("kind", HIDDEN_WORDS)
def test_no_word_of_an_unpublished_or_deleted_entry_is_suggested(client, hidden_words, kind):
    word = HIDDEN_WORDS[kind]
    typed = TYPED[word]
    assert word not in vocabulary()
    for q in (typed, f"{typed} OR police", f"police -{typed}", f"police {typed}"):
        offered = suggestion(client, q)
        assert offered is None or word not in offered, (q, offered)


def test_withdrawing_an_entry_takes_its_words_out_of_the_vocabulary(client):
    DisclosureFactory(reference="PUBLIC", title="Police vehicles")
    entry = DisclosureFactory(reference="W", title="Watchlist entries")
    assert "watchlist" in vocabulary()
    assert suggestion(client, "watchlst OR police") == "watchlist OR police"
    entry.withdraw("Published in error.")
    assert "watchlist" not in vocabulary()
    assert suggestion(client, "watchlst OR police") is None


def test_a_word_stays_while_another_public_entry_holds_it(client):
    DisclosureFactory(reference="A", title="Watchlist entries")
    second = DisclosureFactory(reference="B", title="Watchlist policy")
    second.unpublish()
    assert SearchWord.objects.get(word="watchlist").entries == 1
    assert "policy" not in vocabulary()


def test_an_edit_replaces_the_words_of_the_old_text(client):
    entry = DisclosureFactory(reference="A", title="Watchlist entries")
    entry.title = "Tutoring costs"
    entry.save()
    assert {"tutoring", "costs"} <= vocabulary()
    assert not {"watchlist", "entries"} & vocabulary()


def test_a_scheduled_entrys_words_are_counted_once_it_is_due(client):
    DisclosureFactory(reference="PUBLIC", title="Police vehicles")
    entry = DisclosureFactory(reference="S", title="Tutoring costs", scheduled=True)
    assert "tutoring" not in vocabulary()
    Disclosure.objects.filter(pk=entry.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # An update of the row counts it at once; one with no row change waits for the
    # worker's count of due entries.
    assert "tutoring" in vocabulary()


def test_the_worker_counts_entries_that_came_due_without_a_change(client):
    entry = DisclosureFactory(reference="S", title="Tutoring costs", scheduled=True)
    with connection.cursor() as cursor:
        # As if its time had come: the row is left as it was.
        cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers
        cursor.execute(
            "UPDATE disclosures_disclosure SET published_at = now() - interval '1 minute' "
            "WHERE id = %s",
            [entry.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(
            "UPDATE disclosures_vocabularypending SET due_at = now() - interval '1 minute'"
        )
        assert "tutoring" not in vocabulary()
        cursor.execute("SELECT disclosures_count_due_words()")
        assert cursor.fetchone()[0] == 1
    assert "tutoring" in vocabulary()
    assert suggestion(client, "tutorng") == "tutoring"


def test_a_suggested_word_finds_public_entries_on_its_own(client):
    # "the" is in the vocabulary, but a stop word finds nothing: never offered for "thw".
    DisclosureFactory(reference="A", title="The police vehicles")
    assert "the" in vocabulary()
    assert suggestion(client, "thw police") is None


def test_empty_result_says_so_and_offers_to_clear_filters(client):
    DisclosureFactory(title="Drones", outcome="granted-in-full")
    response = client.get(LIST, {"q": "drones", "outcome": "refused"})
    html = response.content.decode()
    assert "No published disclosures match" in html
    assert "Keep the search words and clear the other filters" in html
    assert 'href="/disclosures/?q=drones"' in html


def test_empty_result_offers_the_suggestion(client):
    DisclosureFactory(title="Tasers")
    html = client.get(LIST, {"q": "tasres"}).content.decode()
    assert "No published disclosures match" in html
    assert '<a href="?q=tasers">tasers</a>' in html


@pytest.fixture
def faceted(db):
    DisclosureFactory(
        outcome="granted-in-full",
        title="Drones A",
        keywords=["Drones"],
        exemptions=[],
        response_date=datetime.date(2022, 5, 1),
    )
    DisclosureFactory(
        outcome="granted-in-part",
        title="Drones B",
        keywords=["Drones", "Staff"],
        exemptions=["s40-2"],
        response_date=datetime.date(2023, 5, 1),
    )
    DisclosureFactory(
        outcome="granted-in-part",
        title="Drones C",
        keywords=["Staff"],
        exemptions=["s40-2", "s31-1-a"],
        response_date=datetime.date(2023, 6, 1),
    )
    DisclosureFactory(
        outcome="refused",
        title="Staffing",
        keywords=["Staff"],
        exemptions=["s31-1-a"],
        response_date=datetime.date(2024, 1, 1),
    )


def counts(facet) -> dict[str, int]:
    return {option.value: option.count for option in facet if option.count}


def test_facet_counts_for_a_query(client, faceted):
    facets = client.get(LIST, {"q": "drones"}).context["facets"]
    assert counts(facets["outcome"]) == {"granted-in-full": 1, "granted-in-part": 2}
    assert counts(facets["exemption"]) == {"s40-2": 2, "s31-1-a": 1}
    assert counts(facets["keyword"]) == {"drones": 2, "staff": 2}
    assert counts(facets["year"]) == {"2022": 1, "2023": 2}


def test_facet_counts_under_combined_filters_ignore_their_own_filter(client, faceted):
    params = {"q": "drones", "outcome": "granted-in-part", "exemption": "s40-2"}
    response = client.get(LIST, params)
    assert [d.title for d in response.context["page_obj"]] == ["Drones B", "Drones C"]
    facets = response.context["facets"]
    # outcome counts: query + exemption filter, any outcome
    assert counts(facets["outcome"]) == {"granted-in-part": 2}
    # exemption counts: query + outcome filter, any exemption
    assert counts(facets["exemption"]) == {"s40-2": 2, "s31-1-a": 1}
    # keyword and year counts: every filter applies
    assert counts(facets["keyword"]) == {"drones": 1, "staff": 2}
    assert counts(facets["year"]) == {"2023": 2}
    selected = {o.value for o in facets["outcome"] if o.selected}
    assert selected == {"granted-in-part"}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "drones OR staffing", "outcome": "granted-in-part", "keyword": "staff"},
        {"outcome": ["granted-in-part", "refused"], "exemption": "s31-1-a", "keyword": "staff"},
        {
            "q": "drones OR staffing",
            "outcome": "granted-in-part",
            "exemption": "s40-2",
            "keyword": "staff",
            "date_from": "2023-01-01",
            "date_to": "2023-12-31",
        },
        {"exemption": ["s40-2", "s31-1-a"], "date_to": "2023-05-31"},
    ],
)
def test_each_count_is_the_number_of_results_choosing_that_option_leaves(client, faceted, params):
    response = client.get(LIST, params)
    facets = response.context["facets"]
    assert facets.total == response.context["paginator"].count
    for name in ("outcome", "exemption", "keyword"):
        for option in facets[name]:
            chosen = {**params, name: option.value}
            total = client.get(LIST, chosen).context["paginator"].count
            assert option.count == total, (name, option.value)
    for option in facets["year"]:
        year = {"date_from": f"{option.value}-01-01", "date_to": f"{option.value}-12-31"}
        total = client.get(LIST, {**params, **year}).context["paginator"].count
        assert option.count == total, ("year", option.value)


def test_a_chosen_exemption_stays_listed_when_nothing_is_left(client, faceted):
    facets = client.get(LIST, {"q": "staffing", "exemption": "s40-2"}).context["facets"]
    chosen = [o for o in facets["exemption"] if o.value == "s40-2"]
    assert chosen and chosen[0].selected and chosen[0].count == 0


def test_facet_counts_are_shown_beside_options(client, faceted):
    html = client.get(LIST, {"q": "drones"}).content.decode()
    assert 'Granted in part <span class="count">(2)</span>' in html


def test_unpublished_entries_are_in_neither_results_nor_counts(client, unpublished):
    DisclosureFactory(title="Public drones", keywords=["Drones"])
    response = client.get(LIST, {"q": "drones"})
    assert [d.title for d in response.context["page_obj"]] == ["Public drones"]
    facets = response.context["facets"]
    assert sum(o.count for o in facets["outcome"]) == 1
    assert "covert-drones" not in counts(facets["keyword"])
    assert "s24-1" not in counts(facets["exemption"])


def test_every_page_of_a_large_result_is_reachable(client, settings):
    DisclosureFactory.create_batch(65, title="Drones")
    last = client.get(LIST, {"q": "drones", "page": 4})
    assert last.status_code == 200
    assert len(last.context["page_obj"].object_list) == 5
    seen = set()
    for page in range(1, 5):
        seen |= {d.pk for d in client.get(LIST, {"q": "drones", "page": page}).context["page_obj"]}
    assert len(seen) == 65


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_pages_read_from_the_end_hold_the_same_rows_as_reading_on(client, sort):
    # Ties everywhere: same dates, and the same rank for every "drones" in a title.
    for n in range(65):
        DisclosureFactory(
            title="Drones" if n % 3 else "Drones and more drones",
            response_date=datetime.date(2024, 1, 1 + n % 4),
        )
    everything = client.get(LIST, {"q": "drones", "sort": sort})
    order = list(everything.context["paginator"].object_list.values_list("pk", flat=True))
    assert len(order) == 65
    pages = []
    for page in range(1, 5):
        rows = client.get(LIST, {"q": "drones", "sort": sort, "page": page}).context["page_obj"]
        pages += [d.pk for d in rows]
    assert pages == order


def test_too_many_results_to_rank_come_newest_first_and_say_so(client, monkeypatch):
    DisclosureFactory(reference="OLD", title="Tasers", response_date="2020-01-01")
    DisclosureFactory(
        reference="NEW", title="Fleet", response_narrative="tasers", response_date="2024-01-01"
    )
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    response = client.get(LIST, {"q": "tasers"})
    assert found(client, q="tasers") == ["OLD", "NEW"]
    assert "too many to sort by relevance" not in response.content.decode()

    DisclosureFactory(reference="NEWEST", title="Fleet", request_text="tasers?")
    response = client.get(LIST, {"q": "tasers"})
    assert [d.reference for d in response.context["page_obj"]] == ["NEWEST", "NEW", "OLD"]
    assert response.context["current_sort"] == "newest"
    assert "too many to sort by relevance" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "!!!...,,,;;;",
        "' OR 1=1; --",
        "<img src=x onerror=alert(1)>",
        "police\x00drones",
        "🚓🚁 police",
        "Llŷn Ŵ Ŷ ŵ ŷ â",
        "))))((((",
        '"""',
        "!!!drones",
    ],
)
def test_hostile_input_gets_a_normal_page(client, q):
    DisclosureFactory(title="Police drones")
    response = client.get(LIST, {"q": q})
    assert response.status_code == 200
    assert "onerror=alert(1)>" not in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_search_page_query_count_is_constant(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(title=f"Police drones {n}", keywords=["Drones"], exemptions=["s40-2"])
    # validators (freshness), page ids, rows, the exemptions they cite, headlines, the
    # facets with the count (a look for a snapshot's bitmaps, which a log this small has
    # not, one pass, then the exemptions and keywords shown), and two for the suggestion
    # lookup (similarity threshold, vocabulary)
    with django_assert_num_queries(11):
        client.get(LIST, {"q": "police drones"})


def test_the_planner_keeps_frequencies_of_enough_search_words():
    # Migration 0012: with the default target a word in no public entry sent the "did
    # you mean" check through the whole table (see the migration for why).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'disclosures_disclosure'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == 1000
