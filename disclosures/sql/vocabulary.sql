-- The vocabulary of "did you mean": the words of public disclosures, each with the
-- number of public entries holding it. Drafts, scheduled, withdrawn and deleted entries
-- leave no word in it, so a suggestion can never reveal their text.
--
-- An entry counts when it is public at the time of the statement that saves it. It can
-- only stop being public through a change to its row (return to draft, withdrawal,
-- rescheduling, deletion), and each such change takes its words away here. The one
-- change with no row change, a scheduled entry coming due, is noted in
-- disclosures_vocabularypending and counted by disclosures_count_due_words(), which the
-- background worker runs: until then the vocabulary holds less than the public text,
-- never more.

-- The words of an entry's own text as the vocabulary keeps them: lower case, accents
-- removed, letters only, 3 to 40 of them.
CREATE OR REPLACE FUNCTION disclosures_words(
    title text, keywords_text text, request_text text, response_narrative text
) RETURNS SETOF text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT DISTINCT w
      FROM unnest(tsvector_to_array(to_tsvector('simple', unaccent(
               coalesce(title, '') || ' ' || coalesce(keywords_text, '') || ' ' ||
               coalesce(request_text, '') || ' ' || coalesce(response_narrative, ''))))) AS w
     WHERE w ~ '^[a-z]{3,40}$'
$$;

-- Add ``deltas`` to the counts of ``words`` (two arrays in step), and drop the words no
-- public entry holds any more. Words are changed in order, so two saves changing the
-- same words wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION disclosures_add_words(words text[], deltas int[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    emptied text[];
BEGIN
    WITH changed AS (
        INSERT INTO disclosures_searchword AS s (word, entries)
        SELECT w, d FROM unnest(words, deltas) AS u(w, d) WHERE d <> 0 ORDER BY w
            ON CONFLICT (word) DO UPDATE SET entries = s.entries + excluded.entries
        RETURNING s.word, s.entries
    )
    SELECT array_agg(word) INTO emptied FROM changed WHERE entries <= 0;
    IF emptied IS NOT NULL THEN
        DELETE FROM disclosures_searchword WHERE word = ANY (emptied) AND entries <= 0;
    END IF;
END
$$;

-- Statement-level, so an import of a hundred thousand rows changes the vocabulary once.
-- An entry's words are counted while it is public and not waiting in
-- disclosures_vocabularypending; on an update only the rows whose text or visibility
-- changed move words.
CREATE OR REPLACE FUNCTION disclosures_vocabulary_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disclosures_add_words(array_agg(word), array_agg(delta))
           FROM (SELECT w AS word, count(*)::int AS delta
                   FROM new_rows AS n,
                        disclosures_words(n.title, n.keywords_text, n.request_text,
                                          n.response_narrative) AS w
                  WHERE disclosures_is_public(n.status, n.published_at)
                  GROUP BY w) AS counted;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM disclosures_add_words(array_agg(word), array_agg(delta))
           FROM (WITH pairs AS (
                     SELECT o.title AS old_title, o.keywords_text AS old_keywords,
                            o.request_text AS old_request,
                            o.response_narrative AS old_response,
                            n.title, n.keywords_text, n.request_text, n.response_narrative,
                            disclosures_is_public(o.status, o.published_at)
                            AND NOT EXISTS (SELECT 1 FROM disclosures_vocabularypending AS p
                                             WHERE p.disclosure_id = o.id) AS was_counted,
                            disclosures_is_public(n.status, n.published_at) AS is_counted,
                            (n.title, n.keywords_text, n.request_text, n.response_narrative)
                            IS NOT DISTINCT FROM (o.title, o.keywords_text, o.request_text,
                                                  o.response_narrative) AS same_text
                       FROM old_rows AS o JOIN new_rows AS n USING (id)
                 ), moved AS (
                     -- Words leave with a counted row no longer counted as it was, and
                     -- come with a public row not counted as it is now.
                     SELECT old_title AS title, old_keywords AS keywords_text,
                            old_request AS request_text, old_response AS response_narrative,
                            -1 AS sign
                       FROM pairs WHERE was_counted AND NOT (is_counted AND same_text)
                     UNION ALL
                     SELECT title, keywords_text, request_text, response_narrative, 1
                       FROM pairs WHERE is_counted AND NOT (was_counted AND same_text)
                 )
                 SELECT w AS word, sum(m.sign)::int AS delta
                   FROM moved AS m,
                        disclosures_words(m.title, m.keywords_text, m.request_text,
                                          m.response_narrative) AS w
                  GROUP BY w) AS counted;
    ELSE
        PERFORM disclosures_add_words(array_agg(word), array_agg(delta))
           FROM (SELECT w AS word, -count(*)::int AS delta
                   FROM old_rows AS o,
                        disclosures_words(o.title, o.keywords_text, o.request_text,
                                          o.response_narrative) AS w
                  WHERE disclosures_is_public(o.status, o.published_at)
                    AND NOT EXISTS (SELECT 1 FROM disclosures_vocabularypending AS p
                                     WHERE p.disclosure_id = o.id)
                  GROUP BY w) AS counted;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM disclosures_vocabularypending
         WHERE disclosure_id IN (SELECT id FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        -- A scheduled entry's words wait until it is due.
        INSERT INTO disclosures_vocabularypending (disclosure_id, due_at)
        SELECT id, published_at FROM new_rows
         WHERE disclosures_is_scheduled(status, published_at);
    END IF;
    RETURN NULL;
END
$$;

-- Count the words of the scheduled entries that have come due; returns how many entries
-- were counted.
CREATE OR REPLACE FUNCTION disclosures_count_due_words() RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    words text[];
    deltas int[];
    counted integer;
BEGIN
    WITH due AS (
        DELETE FROM disclosures_vocabularypending AS p
         USING disclosures_disclosure AS d
         WHERE p.disclosure_id = d.id AND p.due_at <= statement_timestamp()
        RETURNING d.title, d.keywords_text, d.request_text, d.response_narrative,
                  disclosures_is_public(d.status, d.published_at) AS public
    ), counted_words AS (
        SELECT w AS word, count(*)::int AS delta
          FROM due, disclosures_words(due.title, due.keywords_text, due.request_text,
                                      due.response_narrative) AS w
         WHERE due.public
         GROUP BY w
    )
    SELECT (SELECT array_agg(word) FROM counted_words),
           (SELECT array_agg(delta) FROM counted_words),
           (SELECT count(*) FROM due WHERE public)
      INTO words, deltas, counted;
    PERFORM disclosures_add_words(words, deltas);
    RETURN counted;
END
$$;

DROP TRIGGER IF EXISTS disclosure_words_inserted ON disclosures_disclosure;
CREATE TRIGGER disclosure_words_inserted
    AFTER INSERT ON disclosures_disclosure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_vocabulary_changed();
DROP TRIGGER IF EXISTS disclosure_words_updated ON disclosures_disclosure;
CREATE TRIGGER disclosure_words_updated
    AFTER UPDATE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_vocabulary_changed();
DROP TRIGGER IF EXISTS disclosure_words_deleted ON disclosures_disclosure;
CREATE TRIGGER disclosure_words_deleted
    AFTER DELETE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_vocabulary_changed();

-- The vocabulary made afresh from the public log: after a bulk load with triggers off.
CREATE OR REPLACE FUNCTION disclosures_rebuild_vocabulary() RETURNS void
LANGUAGE sql
AS $$
    TRUNCATE disclosures_searchword, disclosures_vocabularypending;
    INSERT INTO disclosures_searchword (word, entries)
    SELECT w, count(*)
      FROM disclosures_disclosure AS d,
           disclosures_words(d.title, d.keywords_text, d.request_text,
                             d.response_narrative) AS w
     WHERE disclosures_is_public(d.status, d.published_at)
     GROUP BY w;
    INSERT INTO disclosures_vocabularypending (disclosure_id, due_at)
    SELECT id, published_at FROM disclosures_disclosure
     WHERE disclosures_is_scheduled(status, published_at);
$$;
