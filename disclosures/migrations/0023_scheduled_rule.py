from django.db import migrations

from disclosures import sql


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0022_whole_log_files")]

    operations = [
        migrations.RunSQL(sql.load("visibility", "vocabulary"), migrations.RunSQL.noop),
    ]
