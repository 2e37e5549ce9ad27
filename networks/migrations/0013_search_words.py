# The search documents become three fields of words and stems (networks.search); this builds
# them for the networks already there, with a copy of the builder as it was when written.

import re
import unicodedata

import snowballstemmer
from django.conf import settings
from django.db import migrations, models

STEMMERS = {"it": "italian", "en": "english", "fr": "french", "de": "german", "es": "spanish"}
NETWORK_FIELDS = {
    "title": ["name", "acronym"],
    "summary": ["summary"],
    "body": ["description", "key_facts", "promoter"],
}
MEMBERSHIP_FIELDS = ["sector", "public_notes"]


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def stem(word, language):
    name = STEMMERS.get(language)
    root = snowballstemmer.stemmer(name).stemWord(word) if name else word
    if len(root) > 3 and root[-1] in "aeiou":
        root = root[:-1]
    return root


def indexed(text, language):
    words = list(dict.fromkeys(re.findall(r"[^\W_]+", fold(text))))
    stems = list(dict.fromkeys("~" + stem(word, language) for word in words))
    return f" {' '.join([*words, *stems])} " if words else ""


def text_in(obj, field, language):
    for name in (f"{field}_{language}", f"{field}_{settings.LANGUAGE_CODE}", field):
        value = getattr(obj, name, None)
        if value:
            return value
    return ""


def build_documents(apps, schema_editor):
    Network = apps.get_model("networks", "Network")
    SearchDocument = apps.get_model("networks", "SearchDocument")
    SearchDocument.objects.all().delete()
    for network in Network.objects.prefetch_related("memberships", "themes"):
        for language, _name in settings.LANGUAGES:
            parts = {
                name: [text_in(network, field, language) for field in fields]
                for name, fields in NETWORK_FIELDS.items()
            }
            parts["title"] += [text_in(theme, "name", language) for theme in network.themes.all()]
            parts["body"] += [
                text_in(membership, field, language)
                for membership in network.memberships.all()
                for field in MEMBERSHIP_FIELDS
            ]
            SearchDocument.objects.create(
                network=network,
                language=language,
                **{name: indexed(" ".join(texts), language) for name, texts in parts.items()},
            )


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0012_feedback_moves_to_its_app'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='searchdocument',
            name='text',
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='body',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='summary',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='title',
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
