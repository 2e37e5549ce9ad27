import factory
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile

from networks.models import Document, Membership, Network, Theme

# Every user the factories make has this password (long enough for the site's validators).
PASSWORD = "Ghirlandina-1319"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_it = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")
    position = factory.Sequence(lambda n: n)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name_it = factory.Sequence(lambda n: f"Rete {n}")
    name_en = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"rete-{n}")
    summary_it = "Una rete di comuni europei."
    summary_en = "A network of European cities."
    description_it = "Descrizione della rete."
    description_en = "Description of the network."
    website = "https://example.org/"
    status = Network.Status.PUBLISHED

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    joined_year = 2010


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    network = factory.SubFactory(NetworkFactory)
    title_it = "Statuto"
    title_en = "Statutes"
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%%EOF\n", name="statuto.pdf"))
    is_public = True


class StaffFactory(factory.django.DjangoModelFactory):
    """
    A member of the office who may open the admin, with the password PASSWORD.

    `groups` takes group names (`EDITORS`), `permissions` codenames or Permission objects:
    `StaffFactory(groups=[EDITORS])`, `StaffFactory(permissions=["view_network"])`.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff-{n}")
    password = factory.django.Password(PASSWORD)
    is_staff = True

    class Params:
        superuser = factory.Trait(is_superuser=True, username="admin")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        extracted = list(extracted)
        codenames = {item for item in extracted if isinstance(item, str)}
        found = list(Permission.objects.filter(codename__in=codenames))
        if missing := codenames - {permission.codename for permission in found}:
            raise LookupError(f"Permissions not found: {sorted(missing)}")
        self.user_permissions.add(
            *found, *(item for item in extracted if not isinstance(item, str))
        )
