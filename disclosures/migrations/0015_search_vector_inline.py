from django.db import migrations

# Keep each search vector in its row, compressed, and move the texts out of line
# instead when a row is too large. Every search reads the vectors of all its matches
# (to check a phrase, to rank), and only the texts of the twenty it shows; out of line,
# each vector read costs several more page reads (the TOAST index and chunks). Rows
# written from now on are stored so; `VACUUM FULL disclosures_disclosure` rewrites the
# others (see docs/deploy.md).
INLINE = "ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STORAGE MAIN"
OUT_OF_LINE = "ALTER TABLE disclosures_disclosure ALTER COLUMN search_vector SET STORAGE EXTENDED"


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0014_facet_bitmaps")]

    operations = [
        migrations.RunSQL(INLINE, OUT_OF_LINE),
    ]
