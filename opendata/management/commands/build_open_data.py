from django.core.management.base import BaseCommand

from opendata import built


class Command(BaseCommand):
    help = (
        "Build the open data files without filters for the current content, unless built "
        "for it already (run every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="build them even if current")

    def handle(self, *args, force=False, **options):
        names = built.build(force=force)
        if names:
            self.stdout.write(f"Built {', '.join(names)}")
        elif options["verbosity"] > 1:
            self.stdout.write("The open data files are current.")
