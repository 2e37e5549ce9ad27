from django.core.management import call_command
from django.core.management.base import BaseCommand

from networks.models import Network


class Command(BaseCommand):
    help = "Load the demo networks (fixtures/demo.json) into a database that has none yet."

    def handle(self, *args, **options):
        if Network.objects.exists():
            self.stdout.write("The database already has networks: demo content not loaded.")
            return
        call_command("loaddata", "demo", verbosity=options["verbosity"])
        # loaddata saves raw, which the history skips: give each object its first version.
        call_command("populate_history", "--auto", verbosity=0)
