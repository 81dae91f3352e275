-- When the public log last changed, for the validators of public pages (ETag and
-- Last-Modified, see disclosures/freshness.py).
--
-- Every statement that changes what a public page could show adds a row to
-- disclosures_publicchange: a disclosure that was or is public inserted, changed or
-- deleted; a keyword of a public disclosure changed; any exemption changed. Changes
-- to drafts, scheduled and withdrawn entries add nothing, so the public pages'
-- validators say nothing of them. Rows are only added, never updated, so saves never
-- wait for each other; the sum of ``changes`` grows with every commit that adds one,
-- whatever order ids were handed out in, and is the log's version.

CREATE OR REPLACE FUNCTION disclosures_note_public_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    public_changed boolean := false;
BEGIN
    -- Each test in a branch of its own: a statement naming a transition table is only
    -- prepared where the trigger has that table.
    IF TG_TABLE_NAME = 'disclosures_exemption' THEN
        public_changed := true;
    ELSIF TG_TABLE_NAME = 'disclosures_keyword' THEN
        public_changed := EXISTS (
            SELECT FROM old_rows AS k
              JOIN disclosures_disclosure_keywords AS dk ON dk.keyword_id = k.id
              JOIN disclosures_disclosure AS d ON d.id = dk.disclosure_id
             WHERE disclosures_is_public(d.status, d.published_at));
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            public_changed := EXISTS (
                SELECT FROM old_rows WHERE disclosures_is_public(status, published_at));
        END IF;
        IF NOT public_changed AND TG_OP IN ('INSERT', 'UPDATE') THEN
            public_changed := EXISTS (
                SELECT FROM new_rows WHERE disclosures_is_public(status, published_at));
        END IF;
    END IF;
    IF public_changed THEN
        INSERT INTO disclosures_publicchange (changed_at, changes)
        VALUES (statement_timestamp(), 1);
    END IF;
    RETURN NULL;
END
$$;

-- The rows of the ledger folded into one, keeping its sum and latest time: run by the
-- background worker, so that reading the version stays a read of a few rows.
CREATE OR REPLACE FUNCTION disclosures_fold_public_changes() RETURNS void
LANGUAGE sql
AS $$
    WITH folded AS (DELETE FROM disclosures_publicchange RETURNING changed_at, changes)
    INSERT INTO disclosures_publicchange (changed_at, changes)
    SELECT max(changed_at), sum(changes) FROM folded HAVING count(*) > 0;
$$;

DROP TRIGGER IF EXISTS disclosure_public_inserted ON disclosures_disclosure;
CREATE TRIGGER disclosure_public_inserted
    AFTER INSERT ON disclosures_disclosure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_public_change();
DROP TRIGGER IF EXISTS disclosure_public_updated ON disclosures_disclosure;
CREATE TRIGGER disclosure_public_updated
    AFTER UPDATE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_public_change();
DROP TRIGGER IF EXISTS disclosure_public_deleted ON disclosures_disclosure;
CREATE TRIGGER disclosure_public_deleted
    AFTER DELETE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_public_change();
-- A keyword's name reaches its disclosures' rows (keywords_text); its slug does not.
DROP TRIGGER IF EXISTS keyword_public_updated ON disclosures_keyword;
CREATE TRIGGER keyword_public_updated
    AFTER UPDATE ON disclosures_keyword
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_public_change();
DROP TRIGGER IF EXISTS exemption_public_changed ON disclosures_exemption;
CREATE TRIGGER exemption_public_changed
    AFTER INSERT OR UPDATE OR DELETE ON disclosures_exemption
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_public_change();
