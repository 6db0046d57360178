from django.contrib.postgres.operations import CreateCollation
from django.db import migrations


class Migration(migrations.Migration):
    """An ICU collation with numeric ordering, for sorting refs naturally (interventions.sorting).

    CreateCollation does nothing on databases other than PostgreSQL.
    """

    dependencies = [("interventions", "0004_baseline_revisions")]

    operations = [
        CreateCollation(
            "natural_sort", provider="icu", locale="und-u-kn-true", deterministic=True
        ),
    ]
