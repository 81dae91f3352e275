import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# exemption_ids and keyword_ids mirror the link tables on the disclosure row, so facet
# counts and filters need no join. Like keywords_text (migration 0003), they are kept
# current by statement-level triggers: every way links change (the admin, an import, a
# fixture, plain SQL) updates them, each disclosure once per statement. keyword_ids is set
# in the same UPDATE as keywords_text, so a keyword change still writes the row once.
FORWARD = """
CREATE OR REPLACE FUNCTION disclosures_refresh_keywords_text(ids bigint[]) RETURNS void AS $$
    UPDATE disclosures_disclosure AS d
       SET (keywords_text, keyword_ids) = (
            SELECT coalesce(string_agg(k.name, ' ' ORDER BY k.name), ''),
                   coalesce(array_agg(k.id ORDER BY k.id), '{}')
              FROM disclosures_disclosure_keywords AS dk
              JOIN disclosures_keyword AS k ON k.id = dk.keyword_id
             WHERE dk.disclosure_id = d.id)
     WHERE d.id = ANY(ids);
$$ LANGUAGE sql;

CREATE FUNCTION disclosures_refresh_exemption_ids(ids bigint[]) RETURNS void AS $$
    UPDATE disclosures_disclosure AS d
       SET exemption_ids = coalesce((
            SELECT array_agg(de.exemption_id ORDER BY de.exemption_id)
              FROM disclosures_disclosure_exemptions AS de
             WHERE de.disclosure_id = d.id), '{}')
     WHERE d.id = ANY(ids);
$$ LANGUAGE sql;

CREATE FUNCTION disclosures_exemption_links_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_refresh_exemption_ids(
            ARRAY(SELECT DISTINCT disclosure_id FROM new_links));
    ELSE
        PERFORM disclosures_refresh_exemption_ids(
            ARRAY(SELECT DISTINCT disclosure_id FROM old_links));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_exemptions_inserted
    AFTER INSERT ON disclosures_disclosure_exemptions
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_exemption_links_changed();

CREATE TRIGGER disclosure_exemptions_deleted
    AFTER DELETE ON disclosures_disclosure_exemptions
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_exemption_links_changed();

UPDATE disclosures_disclosure AS d
   SET keyword_ids = links.ids
  FROM (SELECT disclosure_id, array_agg(keyword_id ORDER BY keyword_id) AS ids
          FROM disclosures_disclosure_keywords GROUP BY disclosure_id) AS links
 WHERE links.disclosure_id = d.id;

UPDATE disclosures_disclosure AS d
   SET exemption_ids = links.ids
  FROM (SELECT disclosure_id, array_agg(exemption_id ORDER BY exemption_id) AS ids
          FROM disclosures_disclosure_exemptions GROUP BY disclosure_id) AS links
 WHERE links.disclosure_id = d.id;
"""

REVERSE = """
DROP TRIGGER disclosure_exemptions_deleted ON disclosures_disclosure_exemptions;
DROP TRIGGER disclosure_exemptions_inserted ON disclosures_disclosure_exemptions;
DROP FUNCTION disclosures_exemption_links_changed();
DROP FUNCTION disclosures_refresh_exemption_ids(bigint[]);
CREATE OR REPLACE FUNCTION disclosures_refresh_keywords_text(ids bigint[]) RETURNS void AS $$
    UPDATE disclosures_disclosure AS d
       SET keywords_text = coalesce((
            SELECT string_agg(k.name, ' ' ORDER BY k.name)
              FROM disclosures_disclosure_keywords AS dk
              JOIN disclosures_keyword AS k ON k.id = dk.keyword_id
             WHERE dk.disclosure_id = d.id), '')
     WHERE d.id = ANY(ids);
$$ LANGUAGE sql;
"""


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0008_updated_at_index")]

    operations = [
        migrations.AddField(
            model_name="disclosure",
            name="exemption_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="disclosure",
            name="keyword_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False, size=None
            ),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
        migrations.AddIndex(
            model_name="disclosure",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["exemption_ids"], name="disclosure_exemption_ids"
            ),
        ),
        migrations.AddIndex(
            model_name="disclosure",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["keyword_ids"], name="disclosure_keyword_ids"
            ),
        ),
    ]
