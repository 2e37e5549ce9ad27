import factory
from django.core.files.base import ContentFile

from networks.models import Document, Membership, Network, Theme


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
