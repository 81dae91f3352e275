import importlib

from django.db import migrations, models

# Counts kept for searches of several words that people make (see BroadSearch), as for
# common words: the triggers of migration 0010 now also add a changed entry to each
# counted search it matches, and the recount counts the searches recorded lately.
BEFORE = importlib.import_module("disclosures.migrations.0010_counted_terms")

# 0010's counting, of the counted words (and '', the whole log) of each changed entry:
# searches are counted terms too now, and are not among its words.
COUNT_WORDS = BEFORE.COUNT_CHANGES.replace(
    "IN (SELECT lexeme FROM disclosures_countedterm)",
    "IN (SELECT lexeme FROM disclosures_countedterm WHERE NOT is_search)",
)
assert COUNT_WORDS != BEFORE.COUNT_CHANGES
# Then each counted search the changed entry matches, checked with the search itself
# (@@), so its counts are exactly what a count over its matches gives. A separate
# statement, run only when searches are counted, so that the words cost what they did.
COUNT_SEARCHES = """
    INSERT INTO disclosures_termcount (lexeme, facet, value, count)
    SELECT t.lexeme, f.facet, f.value, sum(c.sign)
      FROM ({changes}) AS c
      JOIN disclosures_countedterm AS t
        ON t.is_search AND c.search_vector @@ t.lexeme::tsquery
     CROSS JOIN LATERAL disclosures_facet_values(
            c.outcome, c.response_date, c.exemption_ids, c.keyword_ids) AS f
     GROUP BY 1, 2, 3
    HAVING sum(c.sign) <> 0
"""


def count_changes(changes: str) -> str:
    return f"""
        {COUNT_WORDS.format(changes=changes)};
        IF EXISTS (SELECT FROM disclosures_countedterm WHERE is_search) THEN
            {COUNT_SEARCHES.format(changes=changes)};
        END IF"""


COUNT_TERMS = f"""
CREATE OR REPLACE FUNCTION disclosures_count_terms() RETURNS trigger AS $$
BEGIN
    -- A log too small to have common terms pays nothing.
    IF NOT EXISTS (SELECT FROM disclosures_countedterm) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        {count_changes(BEFORE.INSERTED)};
    ELSIF TG_OP = 'DELETE' THEN
        {count_changes(BEFORE.DELETED)};
    ELSE
        {count_changes(BEFORE.UPDATED)};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# Words as before (no search is counted yet). Then the searches recorded in the last 30
# days, the 100 made most often, each counted through the search index as a search
# would be, and kept if it finds at least min_documents entries. The bound keeps the
# recount and the triggers' work in check whatever people search for.
RECOUNT_TERMS = f"""
CREATE OR REPLACE FUNCTION disclosures_recount_terms(min_documents integer)
RETURNS integer AS $$
DECLARE
    chosen integer;
    found integer;
    broad record;
BEGIN
    LOCK TABLE disclosures_disclosure IN SHARE MODE;
    DELETE FROM disclosures_termcount;
    DELETE FROM disclosures_countedterm;
    INSERT INTO disclosures_countedterm (lexeme, documents, is_search)
    SELECT word, ndoc, false
      FROM ts_stat('SELECT search_vector FROM disclosures_disclosure
                     WHERE status = ''published''')
     WHERE ndoc >= min_documents
    UNION ALL
    SELECT '', count(*), false FROM disclosures_disclosure WHERE status = 'published'
    HAVING count(*) >= min_documents;
    GET DIAGNOSTICS chosen = ROW_COUNT;
    IF chosen > 0 THEN
        {COUNT_WORDS.format(changes=BEFORE.PUBLISHED)};
    END IF;

    DELETE FROM disclosures_broadsearch WHERE last_searched < now() - interval '30 days';
    FOR broad IN
        SELECT query FROM disclosures_broadsearch ORDER BY searches DESC, query LIMIT 100
    LOOP
        INSERT INTO disclosures_termcount (lexeme, facet, value, count)
        SELECT broad.query, f.facet, f.value, count(*)
          FROM disclosures_disclosure AS d
         CROSS JOIN LATERAL disclosures_facet_values(
                d.outcome, d.response_date, d.exemption_ids, d.keyword_ids) AS f
         WHERE d.status = 'published' AND d.search_vector @@ broad.query::tsquery
         GROUP BY 2, 3;
        -- Every entry has exactly one outcome.
        SELECT coalesce(sum(count), 0) INTO found
          FROM disclosures_termcount WHERE lexeme = broad.query AND facet = 'o';
        IF found >= min_documents THEN
            INSERT INTO disclosures_countedterm (lexeme, documents, is_search)
            VALUES (broad.query, found, true);
            chosen := chosen + 1;
        ELSE
            DELETE FROM disclosures_termcount WHERE lexeme = broad.query;
        END IF;
    END LOOP;
    RETURN chosen;
END $$ LANGUAGE plpgsql;
"""

# 0010's functions again.
BEFORE_FUNCTIONS = BEFORE.FORWARD[BEFORE.FORWARD.index("CREATE FUNCTION disclosures_count_terms") :]
REVERSE = f"""
DROP FUNCTION disclosures_recount_terms(integer);
DROP TRIGGER disclosure_terms_deleted ON disclosures_disclosure;
DROP TRIGGER disclosure_terms_updated ON disclosures_disclosure;
DROP TRIGGER disclosure_terms_inserted ON disclosures_disclosure;
DROP FUNCTION disclosures_count_terms();
DELETE FROM disclosures_termcount
 WHERE lexeme IN (SELECT lexeme FROM disclosures_countedterm WHERE is_search);
DELETE FROM disclosures_countedterm WHERE is_search;
{BEFORE_FUNCTIONS}
"""


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0012_search_vector_statistics")]

    operations = [
        migrations.AddField(
            model_name="countedterm",
            name="is_search",
            field=models.BooleanField(
                default=False,
                help_text="A search of several words (its text query), not one stemmed word.",
            ),
        ),
        migrations.CreateModel(
            name="BroadSearch",
            fields=[
                ("query", models.TextField(primary_key=True, serialize=False)),
                ("searches", models.IntegerField(default=1)),
                ("last_searched", models.DateTimeField()),
            ],
        ),
        migrations.RunSQL(COUNT_TERMS + RECOUNT_TERMS, REVERSE),
    ]
