-- What the snapshot's bitmaps need of the database (see disclosures/bitmaps.py).

-- A disclosure's facet values, as the snapshot keeps a bitmap of each: its outcome
-- ('o'), its year of response ('y'; none when the log it came from recorded no date),
-- each exemption it cites ('e') and each keyword it carries ('k').
CREATE OR REPLACE FUNCTION disclosures_facet_values(
    outcome text, response_date date, exemption_ids bigint[], keyword_ids bigint[]
) RETURNS TABLE (facet text, value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT 'o', outcome
    UNION ALL SELECT 'y', extract(year FROM response_date)::int::text
               WHERE response_date IS NOT NULL
    UNION ALL SELECT 'e', e::text FROM unnest(exemption_ids) AS e
    UNION ALL SELECT 'k', k::text FROM unnest(keyword_ids) AS k
$$;

-- Notes of the published disclosures (due or not) changed since the last snapshot: their
-- bits no longer hold, so counts read them from their rows. A row is added per change
-- (never updated: saves never wait for each other); the next snapshot starts the notes
-- again. A log with no snapshot (a small one) pays nothing. Only columns a count
-- depends on matter: whether it is public, its words and its facets.
CREATE OR REPLACE FUNCTION disclosures_note_changes() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM disclosures_facetsnapshot) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT id FROM new_rows WHERE status = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT id FROM old_rows WHERE status = 'published';
    ELSE
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT n.id
          FROM old_rows AS o JOIN new_rows AS n USING (id)
         WHERE 'published' IN (o.status, n.status)
           AND (o.status, o.published_at, o.search_vector, o.outcome, o.response_date,
                o.exemption_ids, o.keyword_ids)
               IS DISTINCT FROM
               (n.status, n.published_at, n.search_vector, n.outcome, n.response_date,
                n.exemption_ids, n.keyword_ids);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS disclosure_changes_inserted ON disclosures_disclosure;
CREATE TRIGGER disclosure_changes_inserted
    AFTER INSERT ON disclosures_disclosure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();
DROP TRIGGER IF EXISTS disclosure_changes_updated ON disclosures_disclosure;
CREATE TRIGGER disclosure_changes_updated
    AFTER UPDATE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();
DROP TRIGGER IF EXISTS disclosure_changes_deleted ON disclosures_disclosure;
CREATE TRIGGER disclosure_changes_deleted
    AFTER DELETE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();
