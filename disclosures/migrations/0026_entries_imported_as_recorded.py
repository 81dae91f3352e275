import datetime

import django.core.validators
from django.db import migrations, models

# A log imported as its authority kept it may lack an outcome, a request or a response
# date: the entry says "not recorded" rather than guess one. It keeps the row it came
# from, and the address where it was first published.
#
# An entry without a response date is in no year: its facet values leave the year out
# (TermCount's value cannot be NULL, and a snapshot's year bitmaps are of dates).
FACET_VALUES = """
CREATE OR REPLACE FUNCTION disclosures_facet_values(
    outcome text, response_date date, exemption_ids bigint[], keyword_ids bigint[]
) RETURNS TABLE (facet text, value text) AS $$
    SELECT 'o', outcome
    UNION ALL SELECT 'y', extract(year FROM response_date)::int::text
               WHERE response_date IS NOT NULL
    UNION ALL SELECT 'e', e::text FROM unnest(exemption_ids) AS e
    UNION ALL SELECT 'k', k::text FROM unnest(keyword_ids) AS k
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
"""
FACET_VALUES_BEFORE = """
CREATE OR REPLACE FUNCTION disclosures_facet_values(
    outcome text, response_date date, exemption_ids bigint[], keyword_ids bigint[]
) RETURNS TABLE (facet text, value text) AS $$
    SELECT 'o', outcome
    UNION ALL SELECT 'y', extract(year FROM response_date)::int::text
    UNION ALL SELECT 'e', e::text FROM unnest(exemption_ids) AS e
    UNION ALL SELECT 'k', k::text FROM unnest(keyword_ids) AS k
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
"""

DATE_VALIDATORS = [
    django.core.validators.MinValueValidator(datetime.date(1900, 1, 1), message="Dates run from 1 January 1900 to 31 December 9999."),
    django.core.validators.MaxValueValidator(datetime.date(9999, 12, 31), message="Dates run from 1 January 1900 to 31 December 9999."),
]


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0025_legislation_and_scottish_exemptions")]

    operations = [
        migrations.AlterField(
            model_name="disclosure",
            name="outcome",
            field=models.CharField(choices=[("granted-in-full", "Granted in full"), ("granted-in-part", "Granted in part"), ("not-held", "Information not held"), ("refused", "Refused in full (exemption applies)"), ("refused-cost-limit", "Refused – cost limit (s12)"), ("refused-vexatious", "Refused – vexatious or repeated (s14)"), ("neither-confirm-nor-deny", "Neither confirm nor deny"), ("not-recorded", "Not recorded")], max_length=32, verbose_name="outcome"),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="request_text",
            field=models.TextField(blank=True, verbose_name="request"),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="response_date",
            field=models.DateField(blank=True, null=True, validators=DATE_VALIDATORS, verbose_name="response date"),
        ),
        migrations.AddField(
            model_name="disclosure",
            name="original_url",
            field=models.URLField(blank=True, help_text="Where the authority first published it, when imported from a log.", max_length=500, validators=[django.core.validators.URLValidator(schemes=["http", "https"])], verbose_name="original publication"),
        ),
        migrations.AddField(
            model_name="disclosure",
            name="imported_row",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="imported from"),
        ),
        # Newest first, undated entries last (as the oldest): the date index in that order.
        migrations.AlterModelOptions(
            name="disclosure",
            options={"ordering": [models.OrderBy(models.F("response_date"), descending=True, nulls_last=True), models.OrderBy(models.F("id"), descending=True)], "permissions": [("publish_disclosure", "Can publish, schedule and withdraw disclosures")], "verbose_name": "disclosure", "verbose_name_plural": "disclosures"},
        ),
        migrations.RemoveIndex(model_name="disclosure", name="disclosure_public_newest"),
        migrations.AddIndex(
            model_name="disclosure",
            index=models.Index(models.OrderBy(models.F("response_date"), descending=True, nulls_last=True), models.OrderBy(models.F("id"), descending=True), condition=models.Q(("status", "published")), name="disclosure_public_newest"),
        ),
        migrations.RunSQL(FACET_VALUES, FACET_VALUES_BEFORE),
    ]
