from django.db import migrations

from disclosures import sql


class Migration(migrations.Migration):
    """The functions and triggers of disclosures/sql/, loaded in order. A later change to
    a file is brought in by a migration that loads that file again."""

    dependencies = [("disclosures", "0001_initial")]

    operations = [migrations.RunSQL(sql.load(*sql.FILES), sql.drop(*sql.FILES))]
