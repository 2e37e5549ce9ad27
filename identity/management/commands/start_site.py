from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from identity.models import Administration
from networks.models import Network, NetworksPage
from networks.roles import sync_roles

# The footer links to an accessibility statement: AgID's form publishes them all.
ACCESSIBILITY_FORM = "https://form.agid.gov.it/"


class Command(BaseCommand):
    help = (
        "Start the site for an administration: save its name, codes and addresses, make the "
        "two roles and an empty networks page. No demo content; run it again to change them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. “Comune di Bologna”")
        parser.add_argument("--short-name", required=True, help="the name in sentences: Bologna")
        parser.add_argument("--ipa-code", required=True, help="its IPA code, e.g. c_a944")
        parser.add_argument("--website", required=True, help="its main site's address")
        parser.add_argument(
            "--privacy-url", help="the privacy policy's address (default: the website's)"
        )
        parser.add_argument(
            "--accessibility-url",
            default=ACCESSIBILITY_FORM,
            help=f"the accessibility statement's address (default: {ACCESSIBILITY_FORM})",
        )
        parser.add_argument(
            "--legal-notes-url", default="", help="the legal notes' address (default: the site's)"
        )

    @transaction.atomic
    def handle(self, *args, **options):
        administration = Administration.objects.filter(pk=Administration.SINGLETON_PK).first()
        if administration is None:
            administration = Administration()
        administration.name = options["name"]
        administration.short_name = options["short_name"]
        administration.ipa_code = options["ipa_code"]
        administration.website = options["website"]
        administration.privacy_url = options["privacy_url"] or options["website"]
        administration.accessibility_url = options["accessibility_url"]
        administration.legal_notes_url = options["legal_notes_url"]
        try:
            administration.full_clean(exclude=["id"])
        except ValidationError as error:
            problems = [
                f"--{field.replace('_', '-')}: {' '.join(messages)}"
                for field, messages in error.message_dict.items()
            ]
            raise CommandError("Nothing saved. " + " ".join(problems)) from None
        administration.save()
        sync_roles(Group, Permission)
        NetworksPage.load()
        self.stdout.write(f"The site is {administration}'s.")
        if not options["privacy_url"]:
            self.stdout.write(
                "The footer's privacy link leads to the website until you give the policy's "
                "address (--privacy-url, or the administration's page in the admin)."
            )
        if Network.objects.exists():
            self.stdout.write("The database already has networks: they are kept.")
