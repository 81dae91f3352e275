-- The columns a disclosure's row keeps of its links and documents, so that its search
-- vector and its filters need no join: keywords_text and keyword_ids (its keywords),
-- exemption_ids (the exemptions it cites), documents_text (its documents' titles and
-- text). Statement-level triggers keep them current for every way links change (the
-- admin, an import, a fixture, plain SQL), each disclosure once per statement, so a bulk
-- import of a million links does not update a row per link.

CREATE OR REPLACE FUNCTION disclosures_refresh_keywords_text(ids bigint[]) RETURNS void
LANGUAGE sql
AS $$
    UPDATE disclosures_disclosure AS d
       SET (keywords_text, keyword_ids) = (
            SELECT coalesce(string_agg(k.name, ' ' ORDER BY k.name), ''),
                   coalesce(array_agg(k.id ORDER BY k.id), '{}')
              FROM disclosures_disclosure_keywords AS dk
              JOIN disclosures_keyword AS k ON k.id = dk.keyword_id
             WHERE dk.disclosure_id = d.id)
     WHERE d.id = ANY(ids);
$$;

CREATE OR REPLACE FUNCTION disclosures_keyword_links_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_refresh_keywords_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM new_links));
    ELSE
        PERFORM disclosures_refresh_keywords_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM old_links));
    END IF;
    RETURN NULL;
END
$$;

-- A keyword's name is in the search vector (weight A) of every disclosure with it.
CREATE OR REPLACE FUNCTION disclosures_keyword_renamed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM disclosures_refresh_keywords_text(ARRAY(
        SELECT DISTINCT dk.disclosure_id
          FROM disclosures_disclosure_keywords AS dk
          JOIN new_keywords AS n ON n.id = dk.keyword_id
          JOIN old_keywords AS o ON o.id = n.id
         WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disclosures_refresh_exemption_ids(ids bigint[]) RETURNS void
LANGUAGE sql
AS $$
    UPDATE disclosures_disclosure AS d
       SET exemption_ids = coalesce((
            SELECT array_agg(de.exemption_id ORDER BY de.exemption_id)
              FROM disclosures_disclosure_exemptions AS de
             WHERE de.disclosure_id = d.id), '{}')
     WHERE d.id = ANY(ids);
$$;

CREATE OR REPLACE FUNCTION disclosures_exemption_links_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_refresh_exemption_ids(
            ARRAY(SELECT DISTINCT disclosure_id FROM new_links));
    ELSE
        PERFORM disclosures_refresh_exemption_ids(
            ARRAY(SELECT DISTINCT disclosure_id FROM old_links));
    END IF;
    RETURN NULL;
END
$$;

-- The documents' text is searched at the lowest weight (D).
CREATE OR REPLACE FUNCTION disclosures_refresh_documents_text(ids bigint[]) RETURNS void
LANGUAGE sql
AS $$
    UPDATE disclosures_disclosure AS d
       SET documents_text = coalesce((
            SELECT string_agg(doc.title || ' ' || doc.text, ' ' ORDER BY doc.position, doc.id)
              FROM disclosures_document AS doc
             WHERE doc.disclosure_id = d.id), '')
     WHERE d.id = ANY(ids);
$$;

CREATE OR REPLACE FUNCTION disclosures_documents_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_refresh_documents_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM new_documents));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM disclosures_refresh_documents_text(
            ARRAY(SELECT DISTINCT disclosure_id FROM old_documents));
    ELSE
        PERFORM disclosures_refresh_documents_text(ARRAY(
            SELECT disclosure_id FROM new_documents
            UNION SELECT disclosure_id FROM old_documents));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS disclosure_keywords_inserted ON disclosures_disclosure_keywords;
CREATE TRIGGER disclosure_keywords_inserted
    AFTER INSERT ON disclosures_disclosure_keywords
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_links_changed();
DROP TRIGGER IF EXISTS disclosure_keywords_deleted ON disclosures_disclosure_keywords;
CREATE TRIGGER disclosure_keywords_deleted
    AFTER DELETE ON disclosures_disclosure_keywords
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_links_changed();
DROP TRIGGER IF EXISTS keyword_renamed ON disclosures_keyword;
CREATE TRIGGER keyword_renamed
    AFTER UPDATE ON disclosures_keyword
    REFERENCING OLD TABLE AS old_keywords NEW TABLE AS new_keywords
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_keyword_renamed();
DROP TRIGGER IF EXISTS disclosure_exemptions_inserted ON disclosures_disclosure_exemptions;
CREATE TRIGGER disclosure_exemptions_inserted
    AFTER INSERT ON disclosures_disclosure_exemptions
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_exemption_links_changed();
DROP TRIGGER IF EXISTS disclosure_exemptions_deleted ON disclosures_disclosure_exemptions;
CREATE TRIGGER disclosure_exemptions_deleted
    AFTER DELETE ON disclosures_disclosure_exemptions
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_exemption_links_changed();
DROP TRIGGER IF EXISTS documents_inserted ON disclosures_document;
CREATE TRIGGER documents_inserted AFTER INSERT ON disclosures_document
    REFERENCING NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_documents_changed();
DROP TRIGGER IF EXISTS documents_updated ON disclosures_document;
CREATE TRIGGER documents_updated AFTER UPDATE ON disclosures_document
    REFERENCING OLD TABLE AS old_documents NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_documents_changed();
DROP TRIGGER IF EXISTS documents_deleted ON disclosures_document;
CREATE TRIGGER documents_deleted AFTER DELETE ON disclosures_document
    REFERENCING OLD TABLE AS old_documents
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_documents_changed();
