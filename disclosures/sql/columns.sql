-- How the search vector column is kept and judged.

-- Each search vector stays in its row, compressed, and the texts move out of line
-- instead when a row is too large. Every search reads the vectors of all its matches (to
-- check a phrase, to rank), and only the texts of the twenty it shows; out of line, each
-- vector read costs several more page reads (the TOAST index and chunks).
ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STORAGE MAIN;

-- With PostgreSQL's default statistics target (100), ANALYZE keeps the frequencies of
-- about 1,000 words of the search vector and guesses that any other word is in about
-- 0.25 % of a million entries: "is there any public entry with this word?" (behind "did
-- you mean") then planned a sequential scan and read the whole table for a word in no
-- public entry (2.8 s at a million). Ten times the words make rare words' estimates
-- small enough for the search index to be used; ANALYZE takes longer (13 s at a million).
ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STATISTICS 1000;
