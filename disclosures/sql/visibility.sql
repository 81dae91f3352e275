-- Who may see a disclosure, as the database decides it: published, and due.
--
-- The same rule as DisclosureQuerySet.public() in Python. Every trigger, snapshot and
-- raw query that needs it calls this function instead of restating it. A SQL function
-- of one expression is inlined by the planner, so it costs nothing and indexes on
-- (status, published_at) still serve.
CREATE OR REPLACE FUNCTION disclosures_is_public(status text, published_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT status = 'published' AND published_at <= statement_timestamp()
$$;

-- Published with a time still to come: public when its time comes, with no change to
-- its row, so whatever counts public entries must note it and count it then.
CREATE OR REPLACE FUNCTION disclosures_is_scheduled(status text, published_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT status = 'published' AND NOT disclosures_is_public(status, published_at)
$$;
