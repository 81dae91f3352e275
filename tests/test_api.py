import datetime

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from disclosures.models import Outcome
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/disclosures/"
LIST = reverse("disclosures:list")


def api_references(client, params=None) -> list[str]:
    response = client.get(API, params or {})
    assert response.status_code == 200
    return [item["reference"] for item in response.json()["results"]]


def page_references(client, params) -> list[str]:
    return [d.reference for d in client.get(LIST, params).context["page_obj"].object_list]


@pytest.fixture
def log(db):
    DisclosureFactory(
        reference="FOI/23/1234",
        title="Drones over the city",
        outcome="granted-in-part",
        keywords=["Drones"],
        exemptions=["s40-2", "s31-1-a"],
        response_date=datetime.date(2023, 5, 1),
    )
    DisclosureFactory(
        title="Drones at night",
        outcome="not-held",
        keywords=["Drones"],
        response_date=datetime.date(2024, 2, 1),
    )
    DisclosureFactory(
        title="Overtime paid", outcome="refused-cost-limit", response_date=datetime.date(2022, 1, 1)
    )
    DisclosureFactory(title="Drone budget", exemptions=["s40-2"])
    DisclosureFactory(title="Drones index entry", outcome="not-recorded", response_date=None)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "drones", "sort": "newest"},
        {"outcome": ["not-held", "granted-in-part"]},
        {"exemption": "s40-2", "keyword": "drones"},
        {"date_from": "2023-01-01", "date_to": "2023-12-31"},
        {"sort": "oldest"},
    ],
)
def test_api_returns_the_page_results_for_the_same_filters(client, log, params):
    assert api_references(client, params) == page_references(client, params)


def test_a_search_comes_newest_first(client, log):
    assert api_references(client, {"q": "drones"}) == page_references(
        client, {"q": "drones", "sort": "newest"}
    )


def test_list_items_have_the_documented_fields(client, log):
    item = client.get(API, {"exemption": "s31-1-a"}).json()["results"][0]
    exemptions = item.pop("exemptions")
    assert item == {
        "reference": "FOI/23/1234",
        "title": "Drones over the city",
        "request": "Please tell me how many vehicles the force owns.",
        "outcome": "granted-in-part",
        "outcome_label": "Granted in part",
        "response_date": "2023-05-01",
        "narrative": "The information is attached.",
        "keywords": [{"name": "Drones", "slug": "drones"}],
        "published_at": item["published_at"],
        "updated_at": item["updated_at"],
        "url": "http://testserver/disclosures/FOI/23/1234/",
    }
    assert sorted((e["code"], e["slug"]) for e in exemptions) == [
        ("s31(1)(a)", "s31-1-a"),
        ("s40(2)", "s40-2"),
    ]


def test_detail_takes_a_reference_with_slashes(client, log):
    response = client.get(f"{API}FOI/23/1234/")
    assert response.status_code == 200
    assert response.json()["reference"] == "FOI/23/1234"
    assert response.json()["documents"] == []


def test_detail_takes_a_reference_that_ends_like_a_format(client):
    DisclosureFactory(reference="FOI.2024.json")
    assert client.get(f"{API}FOI.2024.json/").json()["reference"] == "FOI.2024.json"


@pytest.mark.parametrize("reference", ["DRAFT-1", "SCHED-1", "NO-SUCH-1", "bad\x00ref"])
def test_unpublished_or_unknown_reference_is_404(client, unpublished, reference):
    assert client.get(f"{API}{reference}/").status_code == 404


def test_withdrawn_reference_is_410_with_its_public_reason(client, unpublished):
    response = client.get(f"{API}WITHDRAWN-1/")
    assert response.status_code == 410
    assert response.json() == {"detail": "Published in error: it named a member of staff."}


def test_unpublished_disclosures_never_appear_in_the_list(client, unpublished):
    DisclosureFactory(reference="PUBLIC-1", title="Public drones")
    assert api_references(client) == ["PUBLIC-1"]
    assert api_references(client, {"q": "secret"}) == []


def test_cursor_pagination_walks_every_page_once(client):
    # Several disclosures share a response date: the cursor must not skip or repeat them.
    for n in range(23):
        DisclosureFactory(
            reference=f"FOI-{n:02d}", response_date=datetime.date(2024, 1, 1 + n // 5)
        )
    expected = page_references(client, {}) + page_references(client, {"page": 2})
    seen, url, pages = [], f"{API}?page_size=5", 0
    while url:
        body = client.get(url).json()
        seen += [item["reference"] for item in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 5
    assert seen == expected


def test_cursor_pagination_walks_back_with_previous_links(client):
    for n in range(12):
        DisclosureFactory(reference=f"FOI-{n:02d}", response_date=datetime.date(2024, 1, 1))
    first = client.get(API, {"page_size": 5}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert first["previous"] is None and third["next"] is None
    back = client.get(third["previous"]).json()
    assert back["results"] == second["results"]
    assert client.get(back["previous"]).json()["results"] == first["results"]


def test_cursor_pagination_walks_oldest_first_when_asked(client):
    for n in range(7):
        DisclosureFactory(reference=f"FOI-{n}", response_date=datetime.date(2024, 1, 1 + n))
    first = client.get(API, {"sort": "oldest", "page_size": 4}).json()
    second = client.get(first["next"]).json()
    references = [item["reference"] for item in first["results"] + second["results"]]
    assert references == [f"FOI-{n}" for n in range(7)]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_cursor_pagination_walks_undated_entries_where_the_list_has_them(client, sort):
    for n in range(7):
        DisclosureFactory(reference=f"D-{n}", response_date=datetime.date(2024, 1, 1 + n // 3))
    for n in range(6):
        DisclosureFactory(reference=f"U-{n}", response_date=None, outcome="not-recorded")
    expected = page_references(client, {"sort": sort})
    assert expected[-1 if sort == "newest" else 0].startswith("U-")  # undated: the oldest
    seen, url = [], f"{API}?sort={sort}&page_size=4"
    while url:
        body = client.get(url).json()
        seen += [item["reference"] for item in body["results"]]
        url = body["next"]
    assert seen == expected
    # And back again from the last page.
    back, url = [], body["previous"]
    while url:
        body = client.get(url).json()
        back = [item["reference"] for item in body["results"]] + back
        url = body["previous"]
    assert back + seen[len(back) :] == expected


def test_an_undated_entry_has_a_null_response_date(client):
    DisclosureFactory(reference="U-1", response_date=None, outcome="not-recorded", request_text="")
    item = client.get(API).json()["results"][0]
    assert item["response_date"] is None
    assert (item["outcome"], item["outcome_label"], item["request"]) == (
        "not-recorded",
        "Not recorded",
        "",
    )


@pytest.mark.parametrize("cursor", ["garbage", "cD0yMDI0LTAxLTAxX3g="])
def test_invalid_cursor_is_404(client, cursor):
    assert client.get(API, {"cursor": cursor}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"outcome": "no-such-outcome"}, {"date_from": "2024-02-30"}, {"keyword": "covert-drones"}],
)
def test_invalid_filters_are_400_naming_the_parameter(client, unpublished, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_keywords_lists_public_keywords_with_counts(client, log, unpublished):
    body = client.get("/api/v1/keywords/").json()
    assert body["results"] == [
        {
            "name": "Drones",
            "slug": "drones",
            "public_count": 2,
            "url": "http://testserver/keywords/drones/",
        }
    ]


def test_keywords_hides_keywords_of_unpublished_disclosures_only(client, unpublished):
    assert client.get("/api/v1/keywords/").json()["results"] == []


def test_exemptions_lists_every_exemption_with_public_counts(client, log, unpublished):
    exemptions = {e["slug"]: e for e in client.get("/api/v1/exemptions/").json()}
    assert exemptions["s40-2"]["public_count"] == 2
    assert exemptions["s40-2"]["code"] == "s40(2)"
    assert exemptions["s40-2"]["url"] == "http://testserver/exemptions/s40-2/"
    assert exemptions["s24-1"]["public_count"] == 0


def test_outcomes_lists_the_eight_values_and_labels(client):
    assert client.get("/api/v1/outcomes/").json() == [
        {"value": value, "label": str(label)} for value, label in Outcome.choices
    ]
    assert len(Outcome.choices) == 8
    assert {"value": "not-recorded", "label": "Not recorded"} in client.get(
        "/api/v1/outcomes/"
    ).json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/disclosures/",
        "/api/v1/disclosures/FOI-1/",
        "/api/v1/keywords/",
        "/api/v1/exemptions/",
        "/api/v1/outcomes/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_refused(client, url, method):
    DisclosureFactory(reference="FOI-1")
    assert getattr(client, method)(url).status_code == 405


def test_reads_set_no_cookies(client, log):
    assert not client.get(API).cookies


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/disclosures/",
        "/api/v1/disclosures/{reference}/",
        "/api/v1/keywords/",
        "/api/v1/exemptions/",
        "/api/v1/outcomes/",
    } <= set(schema["paths"])


def test_docs_page_uses_only_files_served_here(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html
    assert "<style" not in html
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_api_root_lists_the_endpoints(client):
    assert set(client.get("/api/v1/").json()) == {
        "disclosures",
        "keywords",
        "exemptions",
        "outcomes",
    }


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n % 4}"], exemptions=["s40-2"])
    # the page, its exemptions, its keywords: no COUNT with a cursor.
    with django_assert_num_queries(3):
        assert client.get(API).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_keywords_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n}"])
    with django_assert_num_queries(1):
        assert client.get("/api/v1/keywords/").status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_exemptions_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    DisclosureFactory.create_batch(rows, exemptions=["s40-2"])
    # A look for a snapshot (a log this small has none), the log's counts, the exemptions.
    with django_assert_num_queries(3):
        assert client.get("/api/v1/exemptions/").status_code == 200


def test_detail_query_count_is_fixed(client, django_assert_num_queries):
    DisclosureFactory(reference="FOI-1", keywords=["A", "B"], exemptions=["s40-2"])
    # the disclosure, its exemptions, keywords and documents.
    with django_assert_num_queries(4):
        assert client.get(f"{API}FOI-1/").status_code == 200
