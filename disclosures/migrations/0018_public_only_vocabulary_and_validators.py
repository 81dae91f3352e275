from django.db import migrations, models

from disclosures import sql

# The vocabulary held words of every saved disclosure; it now holds those of public ones
# only, counted (disclosures/sql/vocabulary.sql). Rebuilt from the public log as it is.
REBUILD = """
DROP FUNCTION IF EXISTS disclosures_collect_search_words() CASCADE;
SELECT disclosures_rebuild_vocabulary();
"""

# The log as it stands is the first version the validators know.
FIRST_CHANGE = """
INSERT INTO disclosures_publicchange (changed_at, changes) VALUES (statement_timestamp(), 1);
"""

REVERSE = """
DROP TRIGGER IF EXISTS exemption_public_changed ON disclosures_exemption;
DROP TRIGGER IF EXISTS keyword_public_updated ON disclosures_keyword;
DROP TRIGGER IF EXISTS disclosure_public_deleted ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_public_updated ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_public_inserted ON disclosures_disclosure;
DROP FUNCTION IF EXISTS disclosures_fold_public_changes();
DROP FUNCTION IF EXISTS disclosures_note_public_change();
DROP TRIGGER IF EXISTS disclosure_words_deleted ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_words_updated ON disclosures_disclosure;
DROP TRIGGER IF EXISTS disclosure_words_inserted ON disclosures_disclosure;
DROP FUNCTION IF EXISTS disclosures_vocabulary_changed();
DROP FUNCTION IF EXISTS disclosures_count_due_words();
DROP FUNCTION IF EXISTS disclosures_rebuild_vocabulary();
DROP FUNCTION IF EXISTS disclosures_add_words(text[], int[]);
DROP FUNCTION IF EXISTS disclosures_words(text, text, text, text);
DROP FUNCTION IF EXISTS disclosures_is_public(text, timestamptz);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("disclosures", "0017_reference_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="entries",
            field=models.IntegerField(default=0),
        ),
        migrations.CreateModel(
            name="VocabularyPending",
            fields=[
                ("disclosure_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("due_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="PublicChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("changed_at", models.DateTimeField()),
                ("changes", models.IntegerField(default=1)),
            ],
        ),
        migrations.RunSQL(
            sql.load("visibility", "vocabulary", "freshness") + REBUILD + FIRST_CHANGE, REVERSE
        ),
    ]
