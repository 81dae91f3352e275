"""Requests generated from the API's own OpenAPI schema never make a server error, and
get the answers the schema documents.

Schemathesis reads ``/api/v1/schema/`` from the WSGI application and sends, for every
operation, values the schema allows and values it does not. Derandomized and bounded,
so CI runs the same cases every time, in well under a minute.
"""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import DisclosureFactory


@pytest.fixture
def api_schema(db):
    """The schema, loaded from the application, over a small log.

    Django closes a connection that is inside a transaction when a request starts or
    ends; the test client switches that off, and so must this test, which calls the WSGI
    application directly inside the test's transaction.
    """
    DisclosureFactory(
        reference="FOI/23/1234",
        keywords=["Drones"],
        exemptions=["s40-2"],
        received_date=datetime.date(2023, 12, 1),
        review_outcome="upheld",
        commissioner_reference="IC-1",
    )
    DisclosureFactory(title="Overtime", outcome="refused", exemptions=["s31-1-a"])
    DisclosureFactory(reference="DRAFT-1", draft=True, keywords=["Secret"])
    DisclosureFactory(reference="GONE-1", withdrawn=True)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_fail_and_get_documented_answers(api_schema, mode):
    # Each operation's strategy is run by Hypothesis here rather than through
    # schemathesis's pytest plugin, which does not work with pytest 9.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 6  # disclosures (2), keywords, exemptions, outcomes, timeliness

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not len(operation.query):
            # Without query parameters there is nothing to get wrong: a reference in
            # the path may be any text.
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def request(case) -> None:
            case.call_and_validate(checks=CHECKS)

        request()
