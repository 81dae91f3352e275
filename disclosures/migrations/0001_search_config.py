from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions and the text search configuration that the search vector is built with.

    ``foilog`` is English with stemming (policing finds police) and accents removed
    before stemming (café finds cafe). pg_trgm serves "did you mean" suggestions.
    """

    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION foilog (COPY = english)",
                "ALTER TEXT SEARCH CONFIGURATION foilog "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION foilog"],
        ),
    ]
