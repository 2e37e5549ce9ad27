"""
Fill the database with realistic synthetic networks, for benchmarks.

Idempotent: the synthetic networks (slugs starting with "synthetic-") are replaced on each run,
so `--networks 1000` twice leaves 1,000 of them beside the real content. Rows are written in
bulk, so 10,000 networks take seconds; what the save signals would do (search documents, the
content version) is done here in bulk too.
"""

import random

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from networks import cache as page_cache
from networks.models import (
    Document,
    Membership,
    Network,
    Theme,
)
from networks.search import index_networks
from networks.signals import muted

PREFIX = "synthetic-"
BATCH = 1000
# Every how many networks one gets a document.
DOCUMENT_EVERY = 10

# (Italian, English)
PROMOTERS = [
    ("", ""),
    ("Commissione europea", "European Commission"),
    ("Consiglio d’Europa", "Council of Europe"),
    ("UNESCO", "UNESCO"),
]
PLACES = ["Adriatic", "Alpine", "Baltic", "Danube", "Iberian", "Mediterranean", "Nordic", "Rhine"]
PURPOSES = [
    ("Cities for Climate", "Città per il clima", "clima"),
    ("Youth Exchange", "Scambi giovanili", "giovani"),
    ("Museums Forum", "Forum dei musei", "patrimonio"),
    ("Safe Streets", "Strade sicure", "sicurezza"),
    ("Digital Towns", "Comuni digitali", "digitale"),
    ("Green Cities", "Città verdi", "verde"),
    ("Peace Mayors", "Sindaci per la pace", "pace"),
    ("Healthy Towns", "Comuni in salute", "salute"),
]
SECTORS = [("Cultura", "Culture"), ("Ambiente", "Environment"), ("", ""), ("Mobilità", "Mobility")]


class Command(BaseCommand):
    help = "Replace the synthetic networks with --networks N new ones, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=int, required=True, help="how many to create")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable)")

    def handle(self, *args, networks, seed, **options):
        rng = random.Random(seed)
        # Synthetic rows need no history, and the save signals' work is done here in bulk.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), muted(), transaction.atomic():
            self.remove_synthetic()
            themes = self.themes()
            created = self.create_networks(networks, themes, rng)
            page_cache.content_changed()
        self.stdout.write(f"{created} synthetic networks.")

    def remove_synthetic(self):
        synthetic = Network.objects.filter(slug__startswith=PREFIX)
        files = list(Document.objects.filter(network__in=synthetic).values_list("file", flat=True))
        synthetic.delete()
        storage = Document._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])

    def themes(self):
        themes = []
        for position, (english, italian, slug) in enumerate(PURPOSES, start=100):
            theme, _created = Theme.objects.get_or_create(
                slug=f"{PREFIX}{slug}",
                defaults={"name_it": italian, "name_en": english, "position": position},
            )
            themes.append(theme)
        return themes

    def create_networks(self, count, themes, rng):
        shared_pdf = b"%PDF-1.4\n% synthetic document\n%%EOF\n"
        for start in range(0, count, BATCH):
            numbers = range(start, min(start + BATCH, count))
            networks = Network.objects.bulk_create(
                [self.network(number, rng) for number in numbers]
            )
            Membership.objects.bulk_create([self.membership(network, rng) for network in networks])
            links = [
                Network.themes.through(network_id=network.pk, theme_id=theme.pk)
                for network in networks
                for theme in rng.sample(themes, rng.randint(1, 3))
            ]
            Network.themes.through.objects.bulk_create(links)
            index_networks(networks)
            for network in networks[::DOCUMENT_EVERY]:
                document = Document(
                    network=network,
                    title_it=f"Statuto di {network.name_it}",
                    title_en=f"Statutes of {network.name_en}",
                    language="en",
                    is_public=rng.random() < 0.8,
                )
                document.file.save("statute.pdf", ContentFile(shared_pdf), save=False)
                document.save()
        return count

    def network(self, number, rng):
        english, italian, _slug = PURPOSES[number % len(PURPOSES)]
        place = PLACES[(number // len(PURPOSES)) % len(PLACES)]
        promoter_it, promoter_en = rng.choice(PROMOTERS)
        return Network(
            slug=f"{PREFIX}{number:05d}",
            name_it=f"{italian} {place} {number}",
            name_en=f"{place} {english} {number}",
            acronym=f"SN{number}",
            summary_it=f"Rete sintetica numero {number} di città europee su {italian.lower()}.",
            summary_en=f"Synthetic network number {number} of European cities on {english}.",
            description_it=" ".join(
                f"Le città della rete {number} condividono esperienze e buone pratiche."
                for _sentence in range(rng.randint(3, 8))
            ),
            description_en=" ".join(
                f"The cities of network {number} share experience and good practice."
                for _sentence in range(rng.randint(3, 8))
            ),
            website=f"https://network-{number}.example.org/",
            scope=rng.choice(Network.Scope.values),
            promoter_it=promoter_it,
            promoter_en=promoter_en,
            founded_year=rng.randint(1950, 2020),
            status=Network.Status.PUBLISHED if rng.random() < 0.9 else Network.Status.DRAFT,
        )

    def membership(self, network, rng):
        sector_it, sector_en = rng.choice(SECTORS)
        return Membership(
            network=network,
            joined_year=rng.randint(max(network.founded_year, 1990), 2025),
            sector_it=sector_it,
            sector_en=sector_en,
        )
