from django.db import migrations, models

# Facet counts kept per common search term (see CountedTerm and TermCount). The same
# counting serves the triggers, which add each statement's change to the ledger, and the
# recount, which starts it again from the published log.

# The facet values one disclosure counts under: its outcome, its year, each exemption it
# cites and each keyword. Also read at search time (search.facet_counts).
FACET_VALUES = """
CREATE FUNCTION disclosures_facet_values(
    outcome text, response_date date, exemption_ids bigint[], keyword_ids bigint[]
) RETURNS TABLE (facet text, value text) AS $$
    SELECT 'o', outcome
    UNION ALL SELECT 'y', extract(year FROM response_date)::int::text
    UNION ALL SELECT 'e', e::text FROM unnest(exemption_ids) AS e
    UNION ALL SELECT 'k', k::text FROM unnest(keyword_ids) AS k
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
"""

# {changes}: rows of (sign, search_vector, outcome, response_date, exemption_ids,
# keyword_ids), +1 for a published entry that now counts, -1 for one that no longer does.
# Every entry also counts under the term '' (no real word is empty): the whole log, for
# the list with no search.
COUNT_CHANGES = """
    INSERT INTO disclosures_termcount (lexeme, facet, value, count)
    SELECT w.lexeme, f.facet, f.value, sum(c.sign)
      FROM ({changes}) AS c
     CROSS JOIN LATERAL unnest(tsvector_to_array(c.search_vector) || ''::text) AS w(lexeme)
     CROSS JOIN LATERAL disclosures_facet_values(
            c.outcome, c.response_date, c.exemption_ids, c.keyword_ids) AS f
     WHERE w.lexeme IN (SELECT lexeme FROM disclosures_countedterm)
     GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0
"""
COLUMNS = "search_vector, outcome, response_date, exemption_ids, keyword_ids"
INSERTED = f"SELECT 1 AS sign, {COLUMNS} FROM new_rows WHERE status = 'published'"
DELETED = f"SELECT -1 AS sign, {COLUMNS} FROM old_rows WHERE status = 'published'"
# Only rows whose counted columns changed: saving an entry's other fields, or the
# statements that refresh keywords and exemptions without a change, add nothing.
UPDATED = """
    SELECT s.sign, s.search_vector, s.outcome, s.response_date, s.exemption_ids, s.keyword_ids
      FROM old_rows AS o JOIN new_rows AS n USING (id)
     CROSS JOIN LATERAL (VALUES
            (-1, o.status, o.search_vector, o.outcome, o.response_date,
             o.exemption_ids, o.keyword_ids),
            (1, n.status, n.search_vector, n.outcome, n.response_date,
             n.exemption_ids, n.keyword_ids)
          ) AS s(sign, status, search_vector, outcome, response_date, exemption_ids, keyword_ids)
     WHERE s.status = 'published'
       AND (o.status, o.search_vector, o.outcome, o.response_date, o.exemption_ids,
            o.keyword_ids)
           IS DISTINCT FROM
           (n.status, n.search_vector, n.outcome, n.response_date, n.exemption_ids,
            n.keyword_ids)
"""
PUBLISHED = (
    f"SELECT 1 AS sign, {COLUMNS} FROM disclosures_disclosure WHERE status = 'published'"
)

FORWARD = f"""
{FACET_VALUES}

CREATE FUNCTION disclosures_count_terms() RETURNS trigger AS $$
BEGIN
    -- A log too small to have common terms pays nothing.
    IF NOT EXISTS (SELECT FROM disclosures_countedterm) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        {COUNT_CHANGES.format(changes=INSERTED)};
    ELSIF TG_OP = 'DELETE' THEN
        {COUNT_CHANGES.format(changes=DELETED)};
    ELSE
        {COUNT_CHANGES.format(changes=UPDATED)};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_terms_inserted
    AFTER INSERT ON disclosures_disclosure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_count_terms();

CREATE TRIGGER disclosure_terms_updated
    AFTER UPDATE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_count_terms();

CREATE TRIGGER disclosure_terms_deleted
    AFTER DELETE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_count_terms();

-- Choose the terms in at least min_documents published entries and count them afresh.
-- Writers wait while it runs (a SHARE lock), so no change can fall between the count
-- and the ledger; readers go on, and see the old counts until it commits.
CREATE FUNCTION disclosures_recount_terms(min_documents integer) RETURNS integer AS $$
DECLARE
    chosen integer;
BEGIN
    LOCK TABLE disclosures_disclosure IN SHARE MODE;
    DELETE FROM disclosures_termcount;
    DELETE FROM disclosures_countedterm;
    INSERT INTO disclosures_countedterm (lexeme, documents)
    SELECT word, ndoc
      FROM ts_stat('SELECT search_vector FROM disclosures_disclosure
                     WHERE status = ''published''')
     WHERE ndoc >= min_documents
    UNION ALL
    SELECT '', count(*) FROM disclosures_disclosure WHERE status = 'published'
    HAVING count(*) >= min_documents;
    GET DIAGNOSTICS chosen = ROW_COUNT;
    IF chosen > 0 THEN
        {COUNT_CHANGES.format(changes=PUBLISHED)};
    END IF;
    RETURN chosen;
END $$ LANGUAGE plpgsql;
"""

REVERSE = """
DROP FUNCTION disclosures_recount_terms(integer);
DROP TRIGGER disclosure_terms_deleted ON disclosures_disclosure;
DROP TRIGGER disclosure_terms_updated ON disclosures_disclosure;
DROP TRIGGER disclosure_terms_inserted ON disclosures_disclosure;
DROP FUNCTION disclosures_count_terms();
DROP FUNCTION disclosures_facet_values(text, date, bigint[], bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0009_exemption_keyword_ids")]

    operations = [
        migrations.CreateModel(
            name="CountedTerm",
            fields=[
                ("lexeme", models.TextField(primary_key=True, serialize=False)),
                (
                    "documents",
                    models.IntegerField(help_text="Published disclosures holding it when chosen."),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TermCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("lexeme", models.TextField(db_index=True)),
                (
                    "facet",
                    models.CharField(
                        choices=[
                            ("o", "outcome"),
                            ("y", "year"),
                            ("e", "exemption"),
                            ("k", "keyword"),
                        ],
                        max_length=1,
                    ),
                ),
                ("value", models.TextField()),
                ("count", models.IntegerField()),
            ],
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
