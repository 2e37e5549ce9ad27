from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.models import Network
from networks.signals import one_content_change


class Command(BaseCommand):
    help = (
        "Carry out the publications and withdrawals whose date has come: each is recorded in the "
        "network's history, a withdrawn network goes back to draft. Run it every minute; running "
        "it again changes nothing. The site hides and shows networks at their dates without it."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        published = withdrawn = 0
        with transaction.atomic(), one_content_change():
            due = Network.objects.select_for_update().filter(status=Network.Status.PUBLISHED)
            for network in due.filter(publish_at__lte=now):
                network.publish_at = None
                network._change_reason = _("Published as scheduled")
                network.save(update_fields=["publish_at", "updated_at"])
                published += 1
            for network in due.filter(unpublish_at__lte=now):
                network.status = Network.Status.DRAFT
                network.unpublish_at = None
                network._change_reason = _("Withdrawn as scheduled")
                network.save(update_fields=["status", "unpublish_at", "updated_at"])
                withdrawn += 1
        self.stdout.write(
            _("Networks published as scheduled: %(published)d, withdrawn: %(withdrawn)d.")
            % {"published": published, "withdrawn": withdrawn}
        )
