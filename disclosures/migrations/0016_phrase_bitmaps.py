from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0015_search_vector_inline")]

    operations = [
        migrations.AlterField(
            model_name="facetbitmap",
            name="kind",
            field=models.CharField(
                choices=[
                    ("o", "outcome"),
                    ("y", "year"),
                    ("e", "exemption"),
                    ("k", "keyword"),
                    ("t", "search term"),
                    ("p", "two-word phrase"),
                ],
                max_length=1,
            ),
        ),
    ]
