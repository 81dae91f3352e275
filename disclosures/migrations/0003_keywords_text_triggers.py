from django.db import migrations

# keywords_text feeds the stored search vector (weight A, with the title). Triggers keep it
# current for every way keywords change: the admin, an import, a fixture, plain SQL.
# Statement-level triggers with transition tables touch each disclosure once per
# statement, so a bulk import of a million keyword links does not update a row per link.
FORWARD = """
CREATE FUNCTION disclosures_refresh_keywords_text(ids bigint[]) RETURNS void AS $$
    UPDATE disclosures_disclosure AS d
       SET keywords_text = coalesce((
            SELECT string_agg(k.name, ' ' ORDER BY k.name)
              FROM disclosures_disclosure_keywords AS dk
              JOIN disclosures_keyword AS k ON k.id = dk.keyword_id
             WHERE dk.disclosure_id = d.id), '')
     WHERE d.id = ANY(ids);
$$ LANGUAGE sql;

CREATE FUNCTION disclosures_keyword_links_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_refresh_keywords_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM new_links));
    ELSE
        PERFORM disclosures_refresh_keywords_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM old_links));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_keywords_inserted
    AFTER INSERT ON disclosures_disclosure_keywords
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_links_changed();

CREATE TRIGGER disclosure_keywords_deleted
    AFTER DELETE ON disclosures_disclosure_keywords
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_links_changed();

CREATE FUNCTION disclosures_keyword_renamed() RETURNS trigger AS $$
BEGIN
    PERFORM disclosures_refresh_keywords_text(ARRAY(
        SELECT DISTINCT dk.disclosure_id
          FROM disclosures_disclosure_keywords AS dk
          JOIN new_keywords AS n ON n.id = dk.keyword_id
          JOIN old_keywords AS o ON o.id = n.id
         WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER keyword_renamed
    AFTER UPDATE ON disclosures_keyword
    REFERENCING OLD TABLE AS old_keywords NEW TABLE AS new_keywords
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_renamed();
"""

REVERSE = """
DROP TRIGGER keyword_renamed ON disclosures_keyword;
DROP FUNCTION disclosures_keyword_renamed();
DROP TRIGGER disclosure_keywords_deleted ON disclosures_disclosure_keywords;
DROP TRIGGER disclosure_keywords_inserted ON disclosures_disclosure_keywords;
DROP FUNCTION disclosures_keyword_links_changed();
DROP FUNCTION disclosures_refresh_keywords_text(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0002_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
