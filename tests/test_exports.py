import csv
import datetime
import gzip
import io
import json
import tracemalloc

import pytest
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext, override_script_prefix
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from disclosures import exports, tasks
from disclosures.models import Clarification, Disclosure, Exemption, Keyword, WholeLogFile
from disclosures.time_limits import answer_time
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
            **handling(d),
        }
        for d in shown
    ]


def handling(d: Disclosure) -> dict[str, str]:
    """The handling columns of ``d``, as its page's model reads them."""
    time = d.answer_time()

    def iso(day):
        return day.isoformat() if day else ""

    return {
        "received_date": iso(d.received_date),
        "clarifications": "; ".join(
            f"{c.asked.isoformat()} to {iso(c.answered)}" for c in d.clarifications.all()
        ),
        "extension_due_date": iso(d.extension_due_date),
        "extension_reason": d.extension_reason,
        "due_date": iso(time.due) if time else "",
        "working_days": str(time.working_days) if time else "",
        "timeliness": time.timeliness.value if time else "unknown",
        "review_requested": iso(d.review_requested),
        "review_completed": iso(d.review_completed),
        "review_outcome": d.review_outcome,
        "commissioner_reference": d.commissioner_reference,
        "decision_notice_reference": d.decision_notice_reference,
        "decision_notice_url": d.decision_notice_url,
        "commissioner_outcome": d.commissioner_outcome,
    }


@pytest.fixture
def log(db):
    drones = DisclosureFactory(
        reference="FOI/23/1234",
        title="Drones over the city",
        outcome="granted-in-part",
        keywords=["Drones", "Air support"],
        exemptions=["s40-2", "s31-1-a"],
        response_date=datetime.date(2023, 5, 2),
        received_date=datetime.date(2023, 2, 20),
        extension_due_date=datetime.date(2023, 5, 5),
        extension_reason="Considering the public interest in s31(1)(a).",
        review_requested=datetime.date(2023, 5, 10),
        review_completed=datetime.date(2023, 6, 1),
        review_outcome="partly-upheld",
        commissioner_reference="IC-123456-A1B2",
        decision_notice_reference="IC-123456-A1B2",
        decision_notice_url="https://ico.org.uk/decision-notices/ic-123456-a1b2/",
        commissioner_outcome="not-upheld",
    )
    Clarification.objects.create(
        disclosure=drones, asked=datetime.date(2023, 2, 22), answered=datetime.date(2023, 3, 1)
    )
    Clarification.objects.create(
        disclosure=drones, asked=datetime.date(2023, 3, 2), answered=datetime.date(2023, 3, 6)
    )
    DisclosureFactory(
        title="Drones at night, “quoted”, with a comma",
        request_text="Line one\nLine two; and a semicolon",
        outcome="not-held",
        keywords=["Drones"],
        response_date=datetime.date(2024, 2, 1),
        received_date=datetime.date(2023, 12, 1),
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


def test_handling_columns_say_how_long_each_answer_took(client, log):
    rows = {row["reference"]: row for row in csv_rows(client.get(CSV))}
    # Counted from the last clarification, Monday 6 March 2023: day 20 is Tuesday 4 April
    # (Friday 17 March, St Patrick's Day in Northern Ireland, is not a working day). The
    # answer on Tuesday 2 May took 37 working days (Good Friday, Easter Monday and the
    # 1 May bank holiday left out), within the extension to 5 May.
    drones = rows["FOI/23/1234"]
    assert drones["clarifications"] == "2023-02-22 to 2023-03-01; 2023-03-02 to 2023-03-06"
    assert (drones["due_date"], drones["working_days"]) == ("2023-04-04", "37")
    assert drones["timeliness"] == "permitted-extension"
    by_title = {row["title"]: row for row in rows.values()}
    # Received 1 December 2023, answered 1 February 2024: late.
    assert by_title["Drones at night, “quoted”, with a comma"]["timeliness"] == "deadline-exceeded"
    assert by_title["Overtime paid"]["timeliness"] == "unknown"
    assert by_title["Overtime paid"]["working_days"] == ""


def test_a_due_date_in_the_next_year_is_counted_with_its_bank_holidays(client):
    """A row whose due date falls in January, after rows of earlier years: counted with
    that January's bank holidays, as on its page, whatever rows came before it."""
    DisclosureFactory(
        reference="EARLIER",
        received_date=datetime.date(2022, 5, 20),
        response_date=datetime.date(2022, 6, 1),
    )
    late = DisclosureFactory(
        reference="DECEMBER",
        received_date=datetime.date(2023, 12, 10),
        response_date=datetime.date(2023, 12, 20),
    )
    # 20 working days after Sunday 10 December, less Christmas, Boxing Day, New Year's
    # Day and Scotland's 2 January: Thursday 11 January.
    assert answer_time(late.received_date, late.response_date).due == datetime.date(2024, 1, 11)
    for params in ({"sort": "oldest"}, {}):
        rows = {row["reference"]: row for row in csv_rows(client.get(CSV, params))}
        assert rows["DECEMBER"]["due_date"] == "2024-01-11", params


def test_csv_header_names_the_documented_columns(client):
    header = content(client.get(CSV)).removeprefix("\ufeff").splitlines()[0]
    assert header == (
        "reference,title,request,outcome,outcome_label,exemptions,response_date,"
        "narrative,keywords,url,"
        # How the request was handled: added at the end, as new columns always are.
        "received_date,clarifications,extension_due_date,extension_reason,due_date,"
        "working_days,timeliness,review_requested,review_completed,review_outcome,"
        "commissioner_reference,decision_notice_reference,decision_notice_url,"
        "commissioner_outcome"
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


def test_every_column_of_stored_text_is_made_spreadsheet_safe(client):
    minus = Exemption.objects.get(slug="s40-2")
    minus.pk, minus.code, minus.slug = None, "-40(2)", "minus-40-2"
    minus.save()
    disclosure = DisclosureFactory(
        reference="=1",
        title="+1",
        request_text="-1",
        response_narrative="@1",
        outcome="=not-a-choice",  # shown as stored, its label too
        exemptions=["minus-40-2"],
        keywords=["@Drones"],
        received_date=datetime.date(2024, 1, 2),
        extension_reason="=2",
        review_outcome="+2",
        commissioner_reference="-2",
        decision_notice_reference="@2",
        decision_notice_url="\t2",
        commissioner_outcome="\r2",
    )
    # Written by the database, not by Python: a date it holds may be "-infinity".
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO disclosures_clarification (disclosure_id, asked) VALUES (%s, '-infinity')",
            [disclosure.pk],
        )
    row = csv_rows(client.get(CSV))[0]
    # All but the columns the download writes itself: ISO dates, the permalink, a count
    # of days, a timeliness, which never start as a formula does.
    unmarked = {column for column in exports.COLUMNS if not row[column].startswith("'")}
    assert unmarked == exports.WRITTEN_HERE
    assert row["received_date"] == "2024-01-02"
    assert row["url"].startswith("http://testserver/disclosures/")


def test_json_is_one_object_a_line_as_json_writes_it(client, log):
    expected = ",\n".join(json.dumps(row, ensure_ascii=False) for row in page_rows(client, {}))
    assert content(client.get(JSON)) == f"[\n{expected}\n]\n"


# References as awkward as a log's: slashes, spaces, what a URL escapes, what reverse()
# leaves as it is, letters of every length in UTF-8, and some validate_reference refuses
# but a row could still hold.
AWKWARD_REFERENCES = [
    "FOI/23/1234",
    "FOI 2024 0001",
    "100% of #7?",
    "O'Brien (2024) a+b,c;d=e:f@g~h!i$j&k*",
    "Réf. ü – 日本 😀",
    "a//b",
    "a/./b/../c",
    "%2F%41",
    '[x]{y}|z\\w^v`u"t<s>',
    "/leading",
    "trailing/",
    " spaced ",
    "tab\tand\rreturn",
]


@pytest.mark.parametrize("prefix", ["/", "/foi log/", "//twice/", "/100%/"])
def test_permalinks_reversed_once_a_download_are_reverse_s(prefix):
    # Quoting takes one character at a time: each ASCII character (reverse() quotes some,
    # not others) and a letter of each UTF-8 length, alone and between others.
    characters = [chr(code) for code in range(128) if chr(code) != "\n"] + ["é", "–", "😀"]
    references = [
        *AWKWARD_REFERENCES,
        *characters,
        *(f"a{character}b" for character in characters),
    ]
    with override_script_prefix(prefix):
        absolute_url = Disclosure.absolute_urls()
        for reference in references:
            expected = reverse("disclosures:detail", kwargs={"reference": reference})
            assert absolute_url(reference) == expected, reference


@pytest.mark.parametrize("reference", ["", "two\nlines"])
def test_a_reference_the_route_does_not_take_is_refused_as_by_reverse(reference):
    with pytest.raises(NoReverseMatch):
        reverse("disclosures:detail", kwargs={"reference": reference})
    with pytest.raises(NoReverseMatch):
        Disclosure.absolute_urls()(reference)


@pytest.mark.parametrize("url", [CSV, JSON])
def test_permalinks_in_downloads_are_the_pages_addresses(client, url):
    expected = {
        reference: "http://testserver" + DisclosureFactory(reference=reference).get_absolute_url()
        for reference in AWKWARD_REFERENCES
    }
    rows = csv_rows(client.get(url)) if url == CSV else json_rows(client.get(url))
    assert {row["reference"]: row["url"] for row in rows} == expected


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
    content(client.get(url))  # asks the worker to build the whole log's file
    # Until it is built: the log's state and the file's record, the exemptions' and
    # keywords' names, then the rows; a search too.
    with django_assert_num_queries(5):
        content(client.get(url))
    with django_assert_num_queries(5):
        content(client.get(url, {"q": "request"}))


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("url", [CSV, JSON])
def test_once_built_a_filtered_download_costs_three_queries(
    client, media, run_worker, django_assert_num_queries, rows, url
):
    for n in range(rows):
        DisclosureFactory(keywords=[f"Topic {n % 4}"], exemptions=["s40-2"])
    content(client.get(url))
    run_worker()
    # The log's state, the file's record, the results' ids: no row is read.
    with django_assert_num_queries(3):
        content(client.get(url, {"q": "request"}))


def test_more_chunks_of_rows_cost_no_more_queries(client, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    DisclosureFactory.create_batch(25, keywords=["Drones"], exemptions=["s40-2"])
    # The log's state, no built file's record (so one is asked for), the exemptions' and
    # keywords' names, and the rows, read by a server-side cursor three chunks at a time.
    with django_assert_num_queries(6):
        lines = content(client.get(CSV, {"sort": "newest"})).splitlines()
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


def test_a_client_may_run_only_a_few_downloads_at_once(client, log, monkeypatch):
    # Its downloads spread over several server processes: this one's own limit aside.
    monkeypatch.setattr(
        exports, "DOWNLOADS_PER_PROCESS", exports.Limit("downloads-process", 100, 60)
    )
    running = [client.get(CSV) for _ in range(exports.DOWNLOADS_PER_CLIENT.requests)]
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
    for _ in range(exports.DOWNLOADS_PER_CLIENT.requests * 3):
        response = client.get(CSV)
        assert response.status_code == 200
        # The first block is sent, then the client goes away and the server closes the
        # response: the test client's wrapper of the content closes it, keeping the
        # test's database connection open.
        content_blocks = response._iterator
        next(content_blocks)
        content_blocks.close()


# --- The whole log as a file --------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def whole_log(client, url=CSV, **headers):
    return client.get(url, headers=headers)


def test_the_whole_log_is_a_file_once_the_worker_has_built_it(client, log, media, run_worker):
    first = whole_log(client)
    assert first.streaming and not isinstance(first, FileResponse)  # made afresh
    made_afresh = content(first)
    run_worker()
    built = WholeLogFile.objects.get(kind="csv", site="http://testserver")
    assert built.rows == Disclosure.objects.public().count() == 5
    served = whole_log(client)
    assert isinstance(served, FileResponse)
    assert b"".join(served.streaming_content).decode() == made_afresh
    assert served["ETag"] and served["Last-Modified"]
    assert served["Content-Disposition"].startswith('attachment; filename="disclosures-')


def test_the_file_is_sent_gzipped_to_clients_that_take_it(client, log, media, run_worker):
    whole_log(client, JSON)
    run_worker()
    plain = json.loads(b"".join(whole_log(client, JSON).streaming_content))
    packed = whole_log(client, JSON, accept_encoding="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert json.loads(gzip.decompress(b"".join(packed.streaming_content))) == plain


def test_the_file_answers_304_to_its_etag_for_two_queries(
    client, log, media, run_worker, django_assert_num_queries
):
    whole_log(client)
    run_worker()
    etag = whole_log(client)["ETag"]
    with django_assert_num_queries(2):  # the log's state, the file's record
        again = whole_log(client, if_none_match=etag)
    assert again.status_code == 304


def test_a_withdrawal_makes_the_file_stale_at_once(client, log, media, run_worker):
    whole_log(client)
    run_worker()
    assert isinstance(whole_log(client), FileResponse)
    Disclosure.objects.get(reference="FOI/23/1234").withdraw("Named a witness.")
    fresh = whole_log(client)
    assert not isinstance(fresh, FileResponse)
    assert "FOI/23/1234" not in content(fresh)
    tasks.keep_whole_log_files_current.call()
    rebuilt = whole_log(client)
    assert isinstance(rebuilt, FileResponse)
    assert b"FOI/23/1234" not in b"".join(rebuilt.streaming_content)


# Filtered downloads, and the queries each costs once the whole log's file is built: the
# log's state, the file's record, the results' ids (and the slugs of an exemption and a
# keyword looked up, as the filters check them).
FILTERED = [
    ({"q": "drones"}, 3),
    ({"q": "drones", "sort": "oldest"}, 3),
    ({"sort": "oldest"}, 3),
    ({"outcome": ["not-held", "granted-in-part"]}, 3),
    ({"exemption": "s40-2", "keyword": "drones"}, 5),
    ({"q": "helicopters"}, 3),  # no results
]


def reads_the_built_file(client, url, params, **headers) -> tuple[bool, str]:
    """Whether the download looked up the built file, and what it sent."""
    with CaptureQueriesContext(connection) as queries:
        sent = content(client.get(url, params, headers=headers))
    return any("disclosures_wholelogfile" in q["sql"] for q in queries.captured_queries), sent


@pytest.mark.parametrize("url", [CSV, JSON])
@pytest.mark.parametrize(("params", "queries"), FILTERED)
def test_a_filtered_download_is_put_together_from_the_built_files_rows(
    client, log, media, run_worker, django_assert_num_queries, url, params, queries
):
    made_afresh = content(client.get(url, params))  # asks the worker to build the file
    run_worker()
    with django_assert_num_queries(queries):  # no row read
        response = client.get(url, params)
        assert not isinstance(response, FileResponse)
        assert content(response) == made_afresh
    assert response["Content-Disposition"].startswith('attachment; filename="disclosures-')


def test_a_change_makes_filtered_downloads_afresh_until_rebuilt(client, log, media, run_worker):
    whole_log(client)
    run_worker()
    Disclosure.objects.get(reference="FOI/23/1234").withdraw("Named a witness.")
    fresh = csv_rows(client.get(CSV, {"q": "drones"}))
    assert len(fresh) == 3 and "FOI/23/1234" not in {row["reference"] for row in fresh}
    tasks.keep_whole_log_files_current.call()
    assert csv_rows(client.get(CSV, {"q": "drones"})) == fresh


def test_a_download_is_in_the_sites_language_whatever_the_pages(client, log, media, run_worker):
    # Data, the same file for every visitor: the built file serves a Welsh page's too.
    made_afresh = content(client.get(CSV, {"q": "drones"}, headers={"accept-language": "cy"}))
    assert made_afresh == content(client.get(CSV, {"q": "drones"}))
    run_worker()
    looked_up, sent = reads_the_built_file(client, CSV, {"q": "drones"}, accept_language="cy")
    assert looked_up and sent == made_afresh


def test_a_built_file_gone_from_disk_means_a_download_made_afresh(client, log, media, run_worker):
    made_afresh = content(client.get(JSON, {"q": "drones"}))
    run_worker()
    built = WholeLogFile.objects.get(kind="json")
    built.file.storage.delete(built.file.name)  # as by a rebuild while this one starts
    assert content(client.get(JSON, {"q": "drones"})) == made_afresh


def test_a_process_streams_only_a_few_downloads_at_once(client, log, monkeypatch):
    addresses = iter(f"192.0.2.{n}" for n in range(1, 50))
    running = [
        client.get(CSV, {"q": "drones"}, REMOTE_ADDR=next(addresses))
        for _ in range(exports.DOWNLOADS_PER_PROCESS.requests)
    ]
    busy = client.get(CSV, {"q": "drones"}, REMOTE_ADDR=next(addresses))
    assert busy.status_code == 503
    assert busy["Retry-After"] == "60"
    content(running[0])
    assert client.get(CSV, {"q": "drones"}, REMOTE_ADDR=next(addresses)).status_code == 200
