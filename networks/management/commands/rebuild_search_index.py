from django.core.management.base import BaseCommand

from networks import cache as page_cache
from networks.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search documents of every network, in every language."

    def handle(self, *args, **options):
        reindex_all()
        # Which networks a search finds may have changed: no cached page of results stays.
        page_cache.content_changed()
        self.stdout.write("Search documents rebuilt.")
