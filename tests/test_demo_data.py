import pytest
from django.core.management import call_command

from disclosures.models import Disclosure, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_demo_log_is_large_and_varied(demo):
    public = Disclosure.objects.public()
    assert public.count() >= 60
    # Every outcome a response can have ("not recorded" is only for imported logs).
    answered = set(Outcome.values) - {Outcome.NOT_RECORDED}
    assert set(public.values_list("outcome", flat=True)) == answered
    years = {d.year for d in public.values_list("response_date", flat=True)}
    assert len(years) >= 4
    assert public.filter(exemptions__isnull=False).distinct().count() >= 10


def test_demo_log_has_drafts_that_stay_hidden(demo):
    assert Disclosure.objects.filter(status=Disclosure.Status.DRAFT).count() >= 3
    assert Disclosure.objects.exclude(pk__in=Disclosure.objects.public()).count() >= 5


def test_seed_entries_are_served_under_their_own_references(demo, client):
    for reference, title in [
        ("16495", "Predictive Policing"),
        ("16224", "Predictive Policing Software or Algorithm"),
    ]:
        response = client.get(f"/disclosures/{reference}/")
        assert response.status_code == 200
        assert f"<h1>{title}</h1>" in response.content.decode()
        assert "Fearless Futures" in response.content.decode()


def test_load_demo_leaves_a_non_empty_log_alone(demo, capsys):
    before = Disclosure.objects.count()
    call_command("load_demo")
    assert Disclosure.objects.count() == before
    assert "not loaded" in capsys.readouterr().out
