import django.db.models.deletion
from django.db import migrations, models

# Notes of the published disclosures changed since the last snapshot (see FacetSnapshot
# and the bitmaps module): their bits no longer hold, so searches count them over their
# rows. A row is added per change (never updated: saves never wait for each other); the
# next snapshot starts the notes again. A log too small to have counted terms takes no
# snapshot and pays nothing.
# Every column a facet count depends on: whether it is public, its words and its facets.
COLUMNS = ["status", "published_at", "search_vector", "outcome", "response_date"]
COLUMNS += ["exemption_ids", "keyword_ids"]


def columns_of(alias: str) -> str:
    return "(" + ", ".join(f"{alias}.{column}" for column in COLUMNS) + ")"


FORWARD = f"""
CREATE FUNCTION disclosures_note_changes() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM disclosures_countedterm) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT id FROM new_rows WHERE status = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT id FROM old_rows WHERE status = 'published';
    ELSE
        INSERT INTO disclosures_snapshotchange (disclosure_id)
        SELECT n.id
          FROM old_rows AS o JOIN new_rows AS n USING (id)
         WHERE 'published' IN (o.status, n.status)
           AND {columns_of("o")} IS DISTINCT FROM {columns_of("n")};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_changes_inserted
    AFTER INSERT ON disclosures_disclosure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();

CREATE TRIGGER disclosure_changes_updated
    AFTER UPDATE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();

CREATE TRIGGER disclosure_changes_deleted
    AFTER DELETE ON disclosures_disclosure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_note_changes();
"""
BACKWARD = """
DROP TRIGGER disclosure_changes_deleted ON disclosures_disclosure;
DROP TRIGGER disclosure_changes_updated ON disclosures_disclosure;
DROP TRIGGER disclosure_changes_inserted ON disclosures_disclosure;
DROP FUNCTION disclosures_note_changes();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0013_broad_searches"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("taken_at", models.DateTimeField()),
                ("size", models.IntegerField(help_text="Public disclosures numbered.")),
                ("ids", models.BinaryField()),
                ("days", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="SnapshotChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("disclosure_id", models.BigIntegerField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name="FacetBitmap",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("o", "outcome"),
                            ("y", "year"),
                            ("e", "exemption"),
                            ("k", "keyword"),
                            ("t", "search term"),
                        ],
                        max_length=1,
                    ),
                ),
                ("key", models.TextField()),
                ("bits", models.BinaryField()),
                (
                    "snapshot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bitmaps",
                        to="disclosures.facetsnapshot",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("snapshot", "kind", "key"), name="facetbitmap_one_per_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
