"""The read-replica router (foilog/routers.py) and the settings that switch it on.

``replica1`` is a test mirror of the default database (tests/conftest.py), so a read sent
to it lands on the same rows.
"""

import pytest
from django.db import connections, transaction

from disclosures.models import Disclosure, Exemption
from foilog import routers
from foilog.database import replica_settings
from foilog.routers import ReplicaRouter, one_replica, reads_from_primary
from tests.factories import DisclosureFactory

REPLICAS = ["default", "replica1"]


@pytest.fixture
def replica_router(settings):
    settings.DATABASE_ROUTERS = ["foilog.routers.ReplicaRouter"]


def test_replica_settings_name_each_url_in_order():
    replicas = replica_settings(
        "postgres://ro@db-replica-1/foilog, postgres://ro@db-replica-2/foilog",
        {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True, "OPTIONS": {}},
    )
    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica2"]["HOST"] == "db-replica-2"
    assert replicas["replica1"]["CONN_HEALTH_CHECKS"] is True


def test_replica_settings_share_the_primarys_pool_options():
    pool = {"min_size": 2, "max_size": 10}
    replicas = replica_settings("postgres://ro@replica/foilog", {"OPTIONS": {"pool": pool}})
    assert replicas["replica1"]["OPTIONS"]["pool"] == pool


def test_no_replica_urls_means_no_replicas():
    assert replica_settings("", {"OPTIONS": {}}) == {}


def test_writes_go_to_the_primary():
    assert ReplicaRouter().db_for_write(Disclosure) == "default"


def test_migrations_run_only_on_the_primary():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "disclosures") is True
    assert router.allow_migrate("replica1", "disclosures") is False


def test_objects_from_primary_and_replica_may_be_related():
    assert ReplicaRouter().allow_relation(Disclosure(), Exemption()) is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_reads_go_to_a_replica():
    assert ReplicaRouter().db_for_read(Disclosure) == "replica1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_a_read_through_the_router_is_answered_by_the_replica(replica_router):
    exemptions = Exemption.objects.all()
    assert exemptions.db == "replica1"
    codes = list(exemptions.values_list("code", flat=True))
    assert "s40(2)" in codes
    assert codes == list(Exemption.objects.using("default").values_list("code", flat=True))
    assert connections["replica1"].connection is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_reads_inside_a_transaction_stay_on_the_primary():
    # A replica cannot see what this transaction has written and not yet committed.
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(Disclosure) == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_reads_pinned_to_the_primary_stay_there():
    with reads_from_primary():
        assert ReplicaRouter().db_for_read(Disclosure) == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_staff_requests_read_from_the_primary(client, replica_router, admin_user):
    client.force_login(admin_user)
    with connections["replica1"].execute_wrapper(_refuse):
        response = client.get("/admin/disclosures/disclosure/")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_public_requests_read_from_a_replica(client, replica_router):
    counter = _Counter()
    with connections["replica1"].execute_wrapper(counter):
        response = client.get("/exemptions/")
    assert response.status_code == 200
    assert counter.calls > 0


def _refuse(execute, sql, params, many, context):
    raise AssertionError(f"read from the replica: {sql}")


class _Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, execute, sql, params, many, context):
        self.calls += 1
        return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=REPLICAS)
def test_reads_in_one_block_go_to_one_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica1", "replica2"])
    picks = iter(["replica2", "replica1", "replica1"])
    monkeypatch.setattr(routers, "pick_replica", lambda replicas: next(picks))
    router = ReplicaRouter()
    with one_replica():
        assert {router.db_for_read(Disclosure) for _ in range(5)} == {"replica2"}
    assert router.db_for_read(Disclosure) == "replica1"  # outside: each read picks


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=[*REPLICAS, "lagging"])
def test_a_lagging_replicas_page_is_never_kept_under_the_fresh_etag(
    client, replica_router, settings, monkeypatch
):
    """``replica1`` (a mirror of the primary) has the withdrawal; ``lagging`` lags and
    still shows the disclosure public. A page's validators read from one and its body
    from the other would be kept under the withdrawn state's ETag and served from the
    cache, full text and all."""
    settings.FOILOG_PAGE_CACHE_SECONDS = 600
    monkeypatch.setattr(routers, "replica_aliases", lambda: ["replica1", "lagging"])
    entry = DisclosureFactory(reference="LAG-1", title="Named officer")
    # The lagging replica: the same row, as it was before the withdrawal.
    lagging = Disclosure.objects.using("default").values().get(pk=entry.pk)
    lagging.pop("search_vector")
    Disclosure.objects.using("lagging").bulk_create([Disclosure(**lagging)])
    entry.withdraw("It named an officer.")

    # The first read of a request picks the fresh replica; any later pick, the lagging
    # one. Pinned, the whole request reads from its first pick.
    picks = []

    def pick(replicas):
        picks.append(len(picks))
        return "replica1" if len(picks) == 1 else "lagging"

    monkeypatch.setattr(routers, "pick_replica", pick)
    first = client.get("/disclosures/LAG-1/")
    assert first.status_code == 410
    monkeypatch.setattr(routers, "pick_replica", lambda replicas: "replica1")
    again = client.get("/disclosures/LAG-1/")
    assert again.status_code == 410
