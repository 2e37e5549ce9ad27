from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from networks import digest
from networks.models import NetworksPage


class Command(BaseCommand):
    help = (
        "E-mail the office what needs attention: networks waiting for review, key facts out of "
        "date, broken or moved web addresses, poor page ratings (to DJANGO_OFFICE_EMAIL, else "
        "the networks page's contact address). Nothing is sent when nothing needs attention."
    )

    def handle(self, *args, **options):
        address = settings.OFFICE_EMAIL or NetworksPage.get_or_default().contact_email
        if not address:
            raise CommandError(
                _(
                    "No address to send the digest to: set DJANGO_OFFICE_EMAIL, or the e-mail "
                    "of the networks page."
                )
            )
        found = digest.message()
        if found is None:
            self.stdout.write(_("Nothing needs attention: no e-mail sent."))
            return
        subject, body = found
        send_mail(subject, body, None, [address])
        self.stdout.write(_("Digest sent to %(address)s.") % {"address": address})
