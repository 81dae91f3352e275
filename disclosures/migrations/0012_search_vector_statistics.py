from django.db import migrations

# With PostgreSQL's default statistics target (100), ANALYZE keeps the frequencies of
# about 1,000 words of the search vector, and guesses that any other word is in about
# 0.25 % of a million entries. "Is there any public entry with this word?" (the check
# behind "did you mean") then plans a sequential scan expecting a match within a few
# hundred rows, and reads the whole table when the word is in no public entry: 2.8 s at
# a million entries. Ten times the words make rare words' estimates small enough for
# the search index to be used; ANALYZE takes longer (13 s at a million entries).
# ANALYZE at once: otherwise the old estimates stay until autovacuum next analyzes.
FORWARD = [
    "ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STATISTICS 1000",
    "ANALYZE disclosures_disclosure",
]
REVERSE = "ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STATISTICS -1"


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0011_outcome_date_index")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
