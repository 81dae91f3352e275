import pytest
from django.urls import reverse

from disclosures import search
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


def test_similar_published_disclosures_come_first():
    draft = DisclosureFactory(
        draft=True,
        title="Use of drones by the force",
        request_text="How many drones do you own?",
        keywords=["Drones"],
    )
    same = DisclosureFactory(
        reference="SAME",
        title="Police drones",
        request_text="How many drones?",
        keywords=["Drones"],
    )
    related = DisclosureFactory(
        reference="RELATED",
        title="Helicopter hours",
        response_narrative="Drones are not used for this.",
    )
    DisclosureFactory(
        reference="OTHER", title="Overtime payments", request_text="What did overtime cost in 2023?"
    )
    DisclosureFactory(reference="HIDDEN", title="Drones secret", draft=True)
    assert [d.reference for d in search.similar_to(draft)] == [same.reference, related.reference]


def test_earlier_answers_are_linked_on_the_admin_page(admin_client):
    draft = DisclosureFactory(draft=True, title="Drones")
    earlier = DisclosureFactory(reference="FOI/21/0007", title="Drones in 2021")
    html = admin_client.get(
        reverse("admin:disclosures_disclosure_change", args=[draft.pk])
    ).content.decode()
    assert f'<a href="{earlier.get_absolute_url()}">FOI/21/0007</a>' in html
