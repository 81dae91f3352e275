import datetime
import random
import string

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection
from django.urls import resolve
from django.utils import timezone

from disclosures.models import Disclosure, Exemption, Keyword, Legislation, Outcome
from tests.factories import DisclosureFactory, KeywordFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reference", ["16495", "FOI-2024-0123", "FOI/23/1234", "FOI 2021 0456"])
def test_every_reference_shape_has_a_permalink_that_resolves_back(reference):
    disclosure = DisclosureFactory(reference=reference)
    url = disclosure.get_absolute_url()
    match = resolve(url.replace("%20", " "))
    assert match.url_name == "detail"
    assert match.kwargs["reference"] == reference


def test_reference_is_unique():
    DisclosureFactory(reference="FOI/23/1234")
    with pytest.raises(IntegrityError):
        DisclosureFactory(reference="FOI/23/1234")


@pytest.mark.parametrize("reference", [" 16495", "FOI/23/", "/FOI", "FOI\x0023"])
def test_reference_rejects_edge_slashes_spaces_and_control_characters(reference):
    disclosure = DisclosureFactory.build(reference=reference)
    with pytest.raises(ValidationError):
        disclosure.full_clean(exclude=["exemptions", "keywords"])


@pytest.mark.parametrize("reference", ["feed", "FOI/documents/3"])
def test_reference_cannot_take_the_address_of_one_of_the_log_s_own_pages(reference):
    disclosure = DisclosureFactory.build(reference=reference)
    with pytest.raises(ValidationError, match="own pages"):
        disclosure.full_clean(exclude=["exemptions", "keywords"])


@pytest.mark.parametrize("reference", ["feed-2024-1", "FOI/feed", "export.csv", "16495"])
def test_references_near_those_addresses_are_fine(reference):
    DisclosureFactory.build(reference=reference).full_clean(exclude=["exemptions", "keywords"])


def test_keyword_names_are_unique_ignoring_case():
    Keyword.objects.create(name="Drones")
    with pytest.raises(IntegrityError):
        Keyword.objects.create(name="DRONES", slug="drones-2")


def test_keyword_slug_is_made_from_its_name():
    assert Keyword.objects.create(name="Body-worn Video").slug == "body-worn-video"


def test_outcomes_are_the_seven_statistical_categories_and_not_recorded():
    assert set(Outcome.values) == {
        "granted-in-full",
        "granted-in-part",
        "not-held",
        "refused",
        "refused-cost-limit",
        "refused-vexatious",
        "neither-confirm-nor-deny",
        "not-recorded",
    }
    assert Outcome.COST_LIMIT.label == "Refused – cost limit (s12)"
    assert Outcome.NOT_RECORDED.label == "Not recorded"


def test_public_excludes_drafts_scheduled_and_withdrawn(unpublished):
    visible = DisclosureFactory(reference="LIVE-1")
    assert list(Disclosure.objects.public()) == [visible]


def test_scheduled_disclosure_becomes_public_when_due():
    disclosure = DisclosureFactory(scheduled=True)
    assert not Disclosure.objects.public().exists()
    assert disclosure.is_scheduled
    Disclosure.objects.filter(pk=disclosure.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Disclosure.objects.public().get() == disclosure


def test_publish_now_and_publish_later():
    now = DisclosureFactory(draft=True)
    now.publish()
    assert now.is_public
    later = DisclosureFactory(draft=True)
    later.publish(at=timezone.now() + datetime.timedelta(hours=3))
    assert later.is_scheduled and not later.is_public


def test_withdrawing_needs_a_public_reason():
    disclosure = DisclosureFactory()
    with pytest.raises(ValidationError):
        disclosure.withdraw("   ")
    disclosure.withdraw("Published in error.")
    disclosure.refresh_from_db()
    assert disclosure.status == Disclosure.Status.WITHDRAWN
    assert disclosure.withdrawn_reason == "Published in error."


def test_withdrawn_without_reason_fails_validation():
    disclosure = DisclosureFactory.build(status=Disclosure.Status.WITHDRAWN, withdrawn_reason="")
    with pytest.raises(ValidationError) as error:
        disclosure.clean()
    assert "withdrawn_reason" in error.value.message_dict


def test_unpublish_returns_to_draft_and_leaves_public():
    disclosure = DisclosureFactory()
    disclosure.unpublish()
    assert not Disclosure.objects.public().exists()


def test_search_vector_follows_keyword_changes():
    disclosure = DisclosureFactory(title="Fleet", keywords=["Drones"])
    assert Disclosure.objects.filter(search_vector="drone").get() == disclosure

    keyword = Keyword.objects.get(slug="drones")
    keyword.name = "Helicopters"
    keyword.save()
    assert Disclosure.objects.filter(search_vector="helicopter").get() == disclosure
    assert not Disclosure.objects.filter(search_vector="drone").exists()

    disclosure.keywords.clear()
    assert not Disclosure.objects.filter(search_vector="helicopter").exists()


def test_link_ids_follow_every_change_of_exemptions_and_keywords():
    disclosure = DisclosureFactory(keywords=["Drones", "Tasers"], exemptions=["s40-2"])
    drones, tasers = (Keyword.objects.get(slug=slug) for slug in ("drones", "tasers"))
    s40, s31 = (Exemption.objects.get(slug=slug) for slug in ("s40-2", "s31-1-a"))

    def ids():
        return Disclosure.objects.values_list("exemption_ids", "keyword_ids").get(pk=disclosure.pk)

    assert ids() == ([s40.pk], sorted([drones.pk, tasers.pk]))
    disclosure.exemptions.add(s31)
    disclosure.keywords.remove(tasers)
    assert ids() == (sorted([s40.pk, s31.pk]), [drones.pk])
    disclosure.exemptions.set([s31])
    assert ids() == ([s31.pk], [drones.pk])
    drones.delete()
    disclosure.exemptions.clear()
    assert ids() == ([], [])


def test_a_full_save_of_a_stale_instance_keeps_the_triggers_columns():
    disclosure = DisclosureFactory(keywords=["Drones"], exemptions=["s40-2"])
    stale = Disclosure.objects.get(pk=disclosure.pk)
    disclosure.keywords.add(KeywordFactory(name="Tasers"))
    disclosure.exemptions.add(Exemption.objects.get(slug="s31-1-a"))

    stale.title = "Drones and tasers"
    stale.save()

    fresh = Disclosure.objects.get(pk=disclosure.pk)
    assert fresh.title == "Drones and tasers"
    assert fresh.keywords_text == "Drones Tasers"
    assert len(fresh.keyword_ids) == 2
    assert len(fresh.exemption_ids) == 2


def test_search_vector_weighs_title_above_request_above_narrative():
    disclosure = DisclosureFactory(
        title="Tasers", request_text="Batons in use", response_narrative="Handcuffs issued"
    )
    disclosure.refresh_from_db()
    vector = str(disclosure.search_vector)
    assert "'taser':1A" in vector
    assert "'baton':2B" in vector
    assert "'handcuff':5C" in vector


def test_a_long_entry_keeps_its_search_vector_in_its_row_and_moves_its_texts_out():
    # Every search reads its matches' vectors, and only the shown entries' texts. Words
    # of random letters, which barely compress: the vector, the largest value, is what
    # PostgreSQL would move out of the row by default.
    rng = random.Random(1)
    words = ["".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(130)]
    disclosure = DisclosureFactory(
        request_text=" ".join(words), response_narrative=" ".join(reversed(words))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_column_toast_chunk_id(search_vector) IS NULL,
                   pg_column_toast_chunk_id(request_text) IS NULL
                     AND pg_column_toast_chunk_id(response_narrative) IS NULL,
                   pg_column_size(search_vector) > pg_column_size(request_text)
              FROM disclosures_disclosure WHERE id = %s
            """,
            [disclosure.pk],
        )
        assert cursor.fetchone() == (True, False, True)


def test_seeded_exemptions_cover_foia_sections_21_to_44_and_the_eir():
    codes = set(Exemption.objects.values_list("code", flat=True))
    sections = {int(code[1:3]) for code in codes if code.startswith("s")}
    assert sections >= {
        21,
        22,
        23,
        24,
        26,
        27,
        28,
        29,
        30,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        38,
        39,
        40,
        41,
        42,
        43,
        44,
    }
    assert {"s31(1)(a)", "s40(2)", "s43(2)", "reg 12(4)(b)", "reg 12(5)(b)", "reg 13"} <= codes


def test_exemption_kinds_follow_the_act():
    assert Exemption.objects.get(code="s40(2)").kind == Exemption.Kind.ABSOLUTE
    assert Exemption.objects.get(code="s21").kind == Exemption.Kind.ABSOLUTE
    assert Exemption.objects.get(code="s43(2)").kind == Exemption.Kind.QUALIFIED
    assert Exemption.objects.get(code="s31(1)(a)").name.startswith("Law enforcement")


@pytest.mark.parametrize(
    ("code", "legislation", "slug"),
    [
        ("s40(2)", "foia", "s40-2"),
        ("s31(1)(a)", "foia", "s31-1-a"),
        ("s22A", "foia", "s22a"),
        ("reg 12(4)(b)", "eir", "eir-12-4-b"),
        ("reg 13", "eir", "eir-13"),
        ("s36(2)(b)(i)", "foia", "s36-2-b-i"),
        ("s38(1)(b)", "foisa", "foisa-s38-1-b"),
        ("reg 10(5)(e)", "eisr", "eisr-10-5-e"),
    ],
)
def test_exemption_slug_for_code(code, legislation, slug):
    assert Exemption.slug_for(code, legislation) == slug
    assert Exemption.objects.get(code=code, legislation=legislation).slug == slug


def test_the_uk_legislation_is_made_with_the_regulations_beside_each_act():
    acts = {
        legislation.code: (legislation.abbreviation, legislation.regulations_id)
        for legislation in Legislation.objects.all()
    }
    assert acts == {
        "foia": ("FOIA", "eir"),
        "eir": ("EIR", None),
        "foisa": ("FOISA", "eisr"),
        "eisr": ("EISR", None),
    }


def test_s38_1_b_is_personal_data_in_scotland_and_health_and_safety_in_england():
    scottish = Exemption.objects.get(legislation="foisa", code="s38(1)(b)")
    english = Exemption.objects.get(legislation="foia", code="s38(1)(b)")
    assert scottish.name == "Personal information: third parties"
    assert english.name == "Health and safety: safety of individuals"
    assert scottish.label == "s38(1)(b) Personal information: third parties (FOISA)"


def test_every_section_of_foisa_part_2_and_every_eisr_exception_is_seeded():
    foisa = set(Exemption.objects.filter(legislation="foisa").values_list("code", flat=True))
    assert {f"s{n}" for n in range(25, 42)} <= foisa
    eisr = set(Exemption.objects.filter(legislation="eisr").values_list("code", flat=True))
    assert {f"reg 10(4)({p})" for p in "abcde"} | {f"reg 10(5)({p})" for p in "abcdefg"} <= eisr
    assert "reg 11" in eisr


def test_whole_foia_sections_are_seeded_before_their_subsections():
    section = Exemption.objects.get(legislation="foia", code="s43")
    assert section.name == "Commercial interests"
    first = Exemption.objects.get(legislation="foia", code="s43(1)")
    assert section.position < first.position
    assert Exemption.objects.get(legislation="foia", code="s40").kind == "by-subsection"


def test_a_code_is_unique_within_its_legislation_only():
    legislation = Legislation.objects.create(
        code="ire", abbreviation="FOI Act 2014", name="Freedom of Information Act 2014"
    )
    added = Exemption.objects.create(
        legislation=legislation, code="s40(2)", name="Ireland", kind=Exemption.Kind.QUALIFIED
    )
    assert added.slug == "ire-s40-2"
    with pytest.raises(IntegrityError):
        Exemption.objects.create(
            legislation_id="foia", code="s40(2)", name="Again", kind=Exemption.Kind.ABSOLUTE
        )


def test_the_authoritys_legislation_comes_with_its_regulations(settings):
    settings.AUTHORITY_LEGISLATION = "foisa"
    act, regulations = Legislation.for_authority()
    assert (act.code, regulations.code) == ("foisa", "eisr")


def test_an_authority_legislation_not_in_the_log_is_a_configuration_error(settings):
    settings.AUTHORITY_LEGISLATION = "narnia"
    with pytest.raises(ImproperlyConfigured, match="'narnia'.*foia"):
        Legislation.for_authority()


def test_keywords_of_unpublished_disclosures_are_not_public(unpublished):
    DisclosureFactory(keywords=["Overtime"])
    assert list(Keyword.objects.public().values_list("slug", flat=True)) == ["overtime"]


def test_exemption_public_counts_ignore_unpublished(unpublished):
    DisclosureFactory(exemptions=["s24-1"])
    assert Exemption.objects.with_public_counts().get(slug="s24-1").public_count == 1


def test_keyword_factory_reuses_existing_keyword():
    assert KeywordFactory(name="Drones", slug="drones") == KeywordFactory(
        name="Drones", slug="drones"
    )


def test_the_models_and_their_migrations_agree():
    import io

    from django.core.management import call_command

    # Exits with an error if a model changed without its migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_outcome_in_words_as_django_gives_it():
    disclosure = Disclosure(outcome=Outcome.COST_LIMIT)
    assert disclosure.get_outcome_display() == "Refused – cost limit (s12)"
    disclosure.outcome = "not-an-outcome"  # never saved so, but shown as stored
    assert disclosure.get_outcome_display() == "not-an-outcome"
