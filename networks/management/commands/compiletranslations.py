from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """
    Compile the .po catalogues of LOCALE_PATHS into .mo files.

    Django's own compilemessages needs GNU gettext's msgfmt on the machine; polib is pure Python,
    so a fresh clone builds its translations with nothing but the project's dependencies.
    """

    help = "Compile the project's translation catalogues (locale/*/LC_MESSAGES/*.po)."

    def handle(self, *args, **options):
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Compiled {mo_path}")
