"""
The promoting organisation is translated, as the other texts of a network are: the text it had
becomes the Italian one (the language the office writes first), in the history too.
"""

from django.db import migrations, models
from django.db.models import F


def to_italian(apps, schema_editor):
    for name in ("Network", "HistoricalNetwork"):
        model = apps.get_model("networks", name)
        model.objects.filter(promoter_it__isnull=True).update(promoter_it=F("promoter"))


def from_italian(apps, schema_editor):
    for name in ("Network", "HistoricalNetwork"):
        model = apps.get_model("networks", name)
        model.objects.filter(promoter_it__isnull=False).update(promoter=F("promoter_it"))


def translated_field():
    return models.CharField(
        blank=True,
        help_text="E.g. UNESCO, World Health Organization, Council of Europe.",
        max_length=200,
        null=True,
        verbose_name="promoting organisation",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0014_search_terms"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=translated_field())
            for model in ("network", "historicalnetwork")
            for name in ("promoter_it", "promoter_en")
        ),
        migrations.RunPython(to_italian, from_italian),
        # The historical model keeps only the columns of each language, as for the other texts.
        migrations.RemoveField(model_name="historicalnetwork", name="promoter"),
    ]
