import csv
import datetime
import io
import json
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosures import exports
from disclosures.models import Disclosure, Keyword
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db
CSV = reverse("disclosures:export-csv")
JSON = reverse("disclosures:export-json")
LIST = reverse("disclosures:list")


def content(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    text = content(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def json_rows(response) -> list[dict[str, str]]:
    return json.loads(content(response))


def page_rows(client, params) -> list[dict[str, str]]:
    """What the list page shows for ``params`` in date order (newest first unless
    ``sort=oldest``), in the downloads' columns."""
    if params.get("sort") != "oldest":
        params = {**params, "sort": "newest"}
    shown = client.get(LIST, params).context["page_obj"].object_list
    return [
        {
            "reference": d.reference,
            "title": d.title,
            "request": d.request_text,
            "outcome": d.outcome,
            "outcome_label": d.get_outcome_display(),
            "exemptions": "; ".join(e.code for e in d.exemptions.all()),
            "response_date": d.response_date.isoformat() if d.response_date else "",
            "narrative": d.response_narrative,
            "keywords": "; ".join(k.name for k in d.keywords.all()),
            "url": f"http://testserver{d.get_absolute_url()}",
        }
        for d in shown
    ]


@pytest.fixture
def log(db):
    DisclosureFactory(
        reference="FOI/23/1234",
        title="Drones over the city",
        outcome="granted-in-part",
        keywords=["Drones", "Air support"],
        exemptions=["s40-2", "s31-1-a"],
        response_date=datetime.date(2023, 5, 1),
    )
    DisclosureFactory(
        title="Drones at night, “quoted”, with a comma",
        request_text="Line one\nLine two; and a semicolon",
        outcome="not-held",
        keywords=["Drones"],
        response_date=datetime.date(2024, 2, 1),
    )
    DisclosureFactory(
        title="Overtime paid", outcome="refused-cost-limit", response_date=datetime.date(2022, 1, 1)
    )
    DisclosureFactory(title="Drone budget", exemptions=["s40-2"])
    # From a log that recorded no request, outcome or response date: the oldest.
    DisclosureFactory(
        title="Drones index entry", request_text="", outcome="not-recorded", response_date=None
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "drones"},
        {"q": "drones", "sort": "oldest"},
        {"outcome": ["not-held", "granted-in-part"]},
        {"exemption": "s40-2", "keyword": "drones"},
        {"date_from": "2023-01-01", "date_to": "2023-12-31"},
    ],
)
def test_csv_has_exactly_the_page_results_in_date_order(client, log, params):
    assert csv_rows(client.get(CSV, params)) == page_rows(client, params)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "drones"}, {"outcome": "not-held"}, {"exemption": ["s40-2", "s31-1-a"]}],
)
def test_json_has_exactly_the_page_results_in_date_order(client, log, params):
    assert json_rows(client.get(JSON, params)) == page_rows(client, params)


def test_csv_header_names_the_documented_columns(client):
    header = content(client.get(CSV)).removeprefix("\ufeff").splitlines()[0]
    assert header == (
        "reference,title,request,outcome,outcome_label,exemptions,response_date,"
        "narrative,keywords,url"
    )


def test_empty_json_export_is_an_empty_array(client):
    assert json_rows(client.get(JSON)) == []


def test_downloads_are_attachments_with_dated_filenames(client):
    today = timezone.localdate().isoformat()
    csv_response = client.get(CSV)
    json_response = client.get(JSON)
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == f'attachment; filename="disclosures-{today}.csv"'
    assert json_response["Content-Type"] == "application/json"
    assert (
        json_response["Content-Disposition"] == f'attachment; filename="disclosures-{today}.json"'
    )


def test_downloads_are_streamed(client):
    assert client.get(CSV).streaming
    assert client.get(JSON).streaming


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(client, start):
    DisclosureFactory(title=f'{start}HYPERLINK("http://evil.example")', request_text="-1+1")
    row = csv_rows(client.get(CSV))[0]
    assert row["title"] == f'\'{start}HYPERLINK("http://evil.example")'
    assert row["request"] == "'-1+1"


def test_json_keeps_text_as_written(client):
    DisclosureFactory(title="=1+1")
    assert json_rows(client.get(JSON))[0]["title"] == "=1+1"


def test_unpublished_disclosures_are_absent(client, unpublished):
    DisclosureFactory(reference="PUBLIC-1", title="Public drones")
    assert [row["reference"] for row in csv_rows(client.get(CSV))] == ["PUBLIC-1"]
    assert [row["reference"] for row in json_rows(client.get(JSON, {"q": "secret"}))] == []


@pytest.mark.parametrize("url", [CSV, JSON])
@pytest.mark.parametrize(
    "params",
    [{"outcome": "no-such-outcome"}, {"date_to": "yesterday"}, {"keyword": "covert-drones"}],
)
def test_invalid_parameters_are_400_with_a_plain_message(client, unpublished, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.strip()


@pytest.mark.parametrize("url", [CSV, JSON])
def test_downloads_refuse_writes(client, url):
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("url", [CSV, JSON])
def test_download_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows, url):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n % 4}"], exemptions=["s40-2"])
    # the exemptions' and keywords' names, then the rows.
    with django_assert_num_queries(3):
        content(client.get(url))


def test_more_chunks_of_rows_cost_no_more_queries(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    DisclosureFactory.create_batch(25, keywords=["Drones"], exemptions=["s40-2"])
    # The exemptions' and keywords' names, and the rows, read by a server-side cursor
    # three chunks at a time.
    with django_assert_num_queries(3):
        lines = content(client.get(CSV)).splitlines()
    assert len(lines) == 1 + 25
    assert all("s40(2)" in line and "Drones" in line for line in lines[1:])


def add_disclosures(count: int) -> None:
    """``count`` public disclosures with a keyword each, in a few queries."""
    keyword, _ = Keyword.objects.get_or_create(slug="drones", defaults={"name": "Drones"})
    start = Disclosure.objects.count()
    published = timezone.now() - datetime.timedelta(days=1)
    disclosures = Disclosure.objects.bulk_create(
        Disclosure(
            reference=f"BULK-{start + n}",
            title=f"Request number {start + n} about drones and their use",
            request_text="Please tell me how many drones the force owns. " * 10,
            response_narrative="The information is attached. " * 10,
            outcome="granted-in-full",
            response_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 1500),
            status=Disclosure.Status.PUBLISHED,
            published_at=published,
        )
        for n in range(count)
    )
    Disclosure.keywords.through.objects.bulk_create(
        Disclosure.keywords.through(disclosure=d, keyword=keyword) for d in disclosures
    )


def peak_memory_while_downloading(client, url: str) -> int:
    tracemalloc.start()
    try:
        response = client.get(url)
        size = sum(len(block) for block in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 0
    return peak


@pytest.mark.parametrize("url", [CSV, JSON])
def test_memory_stays_flat_as_rows_grow(client, monkeypatch, url):
    # Small chunks, so that both sizes span many of them.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 50)
    add_disclosures(200)
    peak_memory_while_downloading(client, url)  # first use: imports, caches
    small = peak_memory_while_downloading(client, url)
    add_disclosures(600)
    large = peak_memory_while_downloading(client, url)
    assert large < 1.5 * small + 256 * 1024, (small, large)


def test_a_search_is_exported_in_date_order_not_by_relevance(client):
    DisclosureFactory(reference="OLD-TITLE", title="Drones", response_date="2020-01-01")
    DisclosureFactory(
        reference="NEW-NARRATIVE",
        title="Air support",
        response_narrative="One mention of drones.",
        response_date="2024-01-01",
    )
    assert [row["reference"] for row in csv_rows(client.get(CSV, {"q": "drones"}))] == [
        "NEW-NARRATIVE",
        "OLD-TITLE",
    ]
    relevance = client.get(CSV, {"q": "drones", "sort": "relevance"})
    assert [row["reference"] for row in csv_rows(relevance)] == ["NEW-NARRATIVE", "OLD-TITLE"]


def test_an_export_never_ranks_by_relevance(client):
    DisclosureFactory(title="Drones")
    with CaptureQueriesContext(connection) as queries:
        content(client.get(CSV, {"q": "drones", "sort": "relevance"}))
    assert not any("ts_rank" in query["sql"] for query in queries.captured_queries)


def test_a_client_may_run_only_a_few_downloads_at_once(client, log):
    running = [client.get(CSV) for _ in range(exports.MAX_DOWNLOADS_PER_CLIENT)]
    refused = client.get(JSON)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "downloads of the log running already" in refused.content.decode()
    # Another address is not held up.
    assert client.get(CSV, REMOTE_ADDR="192.0.2.7").status_code == 200
    # Once one finishes, the client may start another.
    content(running[0])
    assert client.get(JSON).status_code == 200


def test_a_download_closed_early_gives_its_slot_back(client, log):
    for _ in range(exports.MAX_DOWNLOADS_PER_CLIENT * 3):
        response = client.get(CSV)
        assert response.status_code == 200
        # The first block is sent, then the client goes away and the server closes the
        # response: the test client's wrapper of the content closes it, keeping the
        # test's database connection open.
        content_blocks = response._iterator
        next(content_blocks)
        content_blocks.close()
