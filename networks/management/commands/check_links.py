from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from networks import linkcheck
from networks.models import LinkCheck, describe_error


class Command(BaseCommand):
    help = (
        "Check every network's website and the memberships' profile pages (8 at a time, 10 s each, "
        "redirects followed); store the results for the admin and print the problems."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=linkcheck.WORKERS)
        parser.add_argument("--timeout", type=float, default=linkcheck.TIMEOUT)

    def handle(self, *args, workers, timeout, **options):
        results = linkcheck.check_all(linkcheck.addresses(), workers=workers, timeout=timeout)
        broken = [result for result in results if result.outcome == LinkCheck.Outcome.BROKEN]
        moved = [result for result in results if result.outcome == LinkCheck.Outcome.MOVED]
        for result in broken:
            reason = str(result.status) if result.status else describe_error(result.error)
            self.stdout.write(
                _("Broken: %(address)s (%(reason)s)") % {"address": result.url, "reason": reason}
            )
        for result in moved:
            self.stdout.write(
                _("Moved for good: %(address)s → %(new)s")
                % {"address": result.url, "new": result.new_url}
            )
        self.stdout.write(
            _(
                "Addresses checked: %(checked)d. Broken: %(broken)d, moved: %(moved)d, "
                "working: %(ok)d."
            )
            % {
                "checked": len(results),
                "broken": len(broken),
                "moved": len(moved),
                "ok": len(results) - len(broken) - len(moved),
            }
        )
