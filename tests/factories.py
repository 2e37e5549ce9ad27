import factory
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.utils import timezone

from networks import cache as page_cache
from networks.models import Document, Membership, Network, Theme
from networks.search import index_networks

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


def create_networks_in_bulk(count, themes):
    """
    Create `count` published networks, each with a membership, a public document and one to all
    of `themes`, in a few queries whatever `count`; return them.

    For the tests that need many networks. Rows are written in bulk (bulk_create, no history),
    then what the save signals would do is done once, in bulk, as populate_synthetic does: the
    search documents, the content version. The documents share one stored file.
    """
    networks = Network.objects.bulk_create(
        NetworkFactory.build_batch(count, first_published_at=timezone.now())
    )
    Network.themes.through.objects.bulk_create(
        Network.themes.through(network_id=network.pk, theme_id=theme.pk)
        for index, network in enumerate(networks)
        for theme in themes[: index % len(themes) + 1]
    )
    Membership.objects.bulk_create(
        MembershipFactory.build(network=network, joined_year=1990 + index % 30, sector_it="Settore")
        for index, network in enumerate(networks)
    )
    stored = DocumentFactory(network=networks[0])
    Document.objects.bulk_create(
        DocumentFactory.build(network=network, file=stored.file.name) for network in networks[1:]
    )
    index_networks(networks)
    page_cache.content_changed()
    return networks
