import pytest

from tests.factories import DisclosureFactory


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production redirects it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def make_disclosure(db):
    return DisclosureFactory


@pytest.fixture
def unpublished(db):
    """One of each kind of entry the public must never see, all matching 'secret'."""
    return [
        DisclosureFactory(
            reference="DRAFT-1",
            title="Secret draft about drones",
            draft=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
        DisclosureFactory(
            reference="SCHED-1",
            title="Secret scheduled drones",
            scheduled=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
        DisclosureFactory(
            reference="WITHDRAWN-1",
            title="Secret withdrawn drones",
            withdrawn=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
    ]
