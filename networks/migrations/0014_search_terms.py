# The search documents get PostgreSQL's weighted tsvector of their words, and on PostgreSQL a GIN
# index over it (networks.fulltext); other databases get an empty column and no index.

from django.db import migrations, models

import networks.fulltext

INDEX = "networks_searchdocument_terms"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON networks_searchdocument USING gin (terms)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0013_search_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="terms",
            field=models.GeneratedField(
                db_persist=True,
                expression=networks.fulltext.Terms(),
                output_field=networks.fulltext.TermsField(null=True),
            ),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
