"""
The DCAT-AP_IT catalogue of the open data: one catalogue, one dataset (the networks), a
distribution per file, as an RDF graph that harvesters such as dati.gov.it fetch.

rdflib builds the graph and writes it as Turtle, RDF/XML or JSON-LD. The catalogue, the dataset
and its distributions have stable IRIs: the catalogue's address, with a fragment for the others
(a hash IRI leads to the document that describes it). Texts carry their language, Italian and
English. The terms of the controlled vocabularies (EU data themes, frequencies, languages, file
types, IANA media types, the Italian licences) are described in the graph too, with their scheme:
the DCAT-AP shapes check a term's scheme in the data they are given, not on the web.

tests/test_catalog.py checks the graph against the official DCAT-AP 2.1.1 and 3.0.1 shapes, the
restrictions of the DCAT-AP_IT ontology and opendata/shapes/agid.ttl (AgID's mandatory elements).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from rdflib import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

from networks.cache import administration
from networks.models import ContentVersion, NetworksPage, Theme

from . import datasets

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
EUROVOC = "http://eurovoc.europa.eu/"
EUROVOC_SCHEME = URIRef("http://eurovoc.europa.eu/100141")
IANA = "https://www.iana.org/assignments/media-types/"

# The Italian licences vocabulary's CC BY 4.0, and the licence's own deed.
LICENCE = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
LICENCE_DEED = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"

# The EU authority's code of each language of the site.
LANGUAGE_CODES = {"it": "ITA", "en": "ENG"}

# (scheme, code, class, {language: label}) of the controlled terms the catalogue uses.
DATA_THEME = ("data-theme", "GOVE", SKOS.Concept)
FREQUENCY = ("frequency", "IRREG", DCTERMS.Frequency)
AVAILABILITY = ("planned-availability", "STABLE", SKOS.Concept)
TERM_LABELS = {
    "STABLE": {"it": "stabile", "en": "stable"},
    "GOVE": {"it": "Governo e settore pubblico", "en": "Government and public sector"},
    "IRREG": {"it": "irregolare", "en": "irregular"},
    "ITA": {"it": "italiano", "en": "Italian"},
    "ENG": {"it": "inglese", "en": "English"},
    "CSV": {"it": "CSV", "en": "CSV"},
    "JSON": {"it": "JSON", "en": "JSON"},
}
SCHEME_TITLES = {
    "data-theme": "Data theme",
    "frequency": "Frequency",
    "language": "Language",
    "file-type": "File type",
    "planned-availability": "Planned availability",
}
# The ADMS vocabularies' terms for the kind of licence and of publisher.
ADMS = "http://purl.org/adms/"
LICENCE_TYPE = (
    "licencetype",
    "Attribution",
    {"it": "Attribuzione", "en": "Attribution"},
)
PUBLISHER_TYPE = (
    "publishertype",
    "LocalAuthority",
    {"it": "Amministrazione locale", "en": "Local authority"},
)

# (fragment, URL name, EU file type, IANA media type) of each distribution.
DISTRIBUTIONS = [
    ("csv", "opendata_csv", "CSV", "text/csv"),
    ("json", "opendata_json", "JSON", "application/json"),
]
DATASET_ID = "reti-internazionali"

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "dcatapit": DCATAPIT,
    "dcatap": DCATAP,
    "foaf": FOAF,
    "skos": SKOS,
    "vcard": VCARD,
    "xsd": XSD,
}

FORMATS = {
    "turtle": "text/turtle; charset=utf-8",
    "xml": "application/rdf+xml; charset=utf-8",
    "json-ld": "application/ld+json",
}


def in_every_language(text):
    """Return `text` (a function of no argument) as a literal per language of the site."""
    literals = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            literals.append(Literal(text(), lang=code))
    return literals


class CatalogBuilder:
    def __init__(self, request):
        self.request = request
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.catalog = URIRef(self.absolute(reverse("opendata_catalog")))
        self.modified = Literal(
            ContentVersion.current().replace(microsecond=0), datatype=XSD.dateTime
        )

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def node(self, fragment):
        return URIRef(f"{self.catalog}#{fragment}")

    def add(self, subject, predicate, *objects):
        for value in objects:
            self.graph.add((subject, predicate, value))

    def texts(self, subject, predicate, text):
        self.add(subject, predicate, *in_every_language(text))

    def term(self, scheme, code, kind):
        """Return a term of an EU vocabulary, described as a concept of its scheme."""
        term = URIRef(f"{EU}{scheme}/{code}")
        scheme_iri = URIRef(f"{EU}{scheme}")
        self.add(term, RDF.type, SKOS.Concept, kind)
        self.add(term, SKOS.inScheme, scheme_iri)
        for code_, label in TERM_LABELS[code].items():
            self.add(term, SKOS.prefLabel, Literal(label, lang=code_))
        self.add(scheme_iri, RDF.type, SKOS.ConceptScheme)
        self.add(scheme_iri, DCTERMS.title, Literal(SCHEME_TITLES[scheme], lang="en"))
        return term

    def adms_term(self, vocabulary, code, labels):
        """Return a term of an ADMS vocabulary, described as a concept of its scheme."""
        term = URIRef(f"{ADMS}{vocabulary}/{code}")
        self.add(term, RDF.type, SKOS.Concept)
        self.add(term, SKOS.inScheme, URIRef(f"{ADMS}{vocabulary}/1.0"))
        for language, label in labels.items():
            self.add(term, SKOS.prefLabel, Literal(label, lang=language))
        return term

    def agent(self):
        """The Comune, publisher and rights holder: an agent named by its IPA code."""
        agent = self.node("publisher")
        self.add(agent, RDF.type, FOAF.Agent, DCATAPIT.Agent)
        # One name and one identifier: the DCAT-AP_IT ontology allows no more.
        publisher = administration()
        self.add(agent, FOAF.name, Literal(publisher.name, lang="it"))
        self.add(agent, DCTERMS.identifier, Literal(publisher.ipa_code))
        self.add(agent, FOAF.homepage, URIRef(publisher.website))
        self.add(agent, DCTERMS.type, self.adms_term(*PUBLISHER_TYPE))
        return agent

    def contact_point(self):
        """The office of the networks page, as a vCard organisation, if it has an e-mail."""
        page = NetworksPage.get_or_default()
        if not page.contact_email:
            return None
        contact = self.node("contact-point")
        self.add(contact, RDF.type, VCARD.Organization, VCARD.Kind, DCATAPIT.Organization)
        # The ontology wants one plain string (an xsd:string): the office's name in Italian.
        name = page.contact_office_it or administration().name
        self.add(contact, VCARD.fn, Literal(name))
        email = URIRef(f"mailto:{page.contact_email}")
        self.add(contact, VCARD.hasEmail, email)
        self.add(email, RDF.type, VCARD.Email)  # as the DCAT-AP_IT ontology's restriction has it
        return contact

    def licence(self):
        self.add(LICENCE, RDF.type, DCTERMS.LicenseDocument, DCATAPIT.LicenseDocument)
        self.add(LICENCE, DCTERMS.type, self.adms_term(*LICENCE_TYPE))
        self.add(LICENCE, FOAF.name, Literal(LICENCE_NAME, lang="it"))
        self.add(LICENCE, FOAF.homepage, URIRef(LICENCE_DEED))
        return LICENCE

    def names(self, theme):
        """Return the theme's name in each language it has one in, tagged with the language."""
        names = []
        for code, _name in settings.LANGUAGES:
            name = getattr(theme, build_localized_fieldname("name", code))
            if name:
                names.append(Literal(name, lang=code))
        return names

    def themes(self, dataset):
        """Our themes as keywords, and as subjects and themes where they have a topic URI."""
        for theme in Theme.objects.all():
            names = self.names(theme)
            self.add(dataset, DCAT.keyword, *names)
            if not theme.topic_uri:
                continue
            topic = URIRef(theme.topic_uri)
            # DCAT-AP_IT takes a EuroVoc concept as the dataset's subject ("sottotema"); DCAT-AP
            # as one of its themes beside the EU data theme.
            self.add(dataset, DCTERMS.subject, topic)
            self.add(dataset, DCAT.theme, topic)
            self.add(topic, RDF.type, SKOS.Concept)
            self.add(topic, SKOS.prefLabel, *names)
            if theme.topic_uri.startswith(EUROVOC):
                self.add(topic, SKOS.inScheme, EUROVOC_SCHEME)

    def distribution(self, fragment, url_name, file_type, media_type, licence):
        distribution = self.node(f"distribution-{fragment}")
        address = URIRef(self.absolute(reverse(url_name)))
        self.add(distribution, RDF.type, DCAT.Distribution, DCATAPIT.Distribution)
        self.add(
            distribution,
            DCTERMS.title,
            *in_every_language(
                lambda: _("International city networks, %(format)s") % {"format": file_type}
            ),
        )
        self.add(
            distribution,
            DCTERMS.description,
            *in_every_language(
                lambda: (
                    _("Every published network, a row or an object each, in %(format)s.")
                    % {"format": file_type}
                )
            ),
        )
        format_ = self.term("file-type", file_type, DCTERMS.MediaTypeOrExtent)
        self.add(distribution, DCTERMS["format"], format_)
        media = URIRef(f"{IANA}{media_type}")
        self.add(media, RDF.type, DCTERMS.MediaType)
        self.add(distribution, DCAT.mediaType, media)
        self.add(distribution, DCAT.accessURL, address)
        self.add(distribution, DCAT.downloadURL, address)
        self.add(distribution, DCTERMS.license, licence)
        self.add(distribution, DCTERMS.modified, self.modified)
        self.add(distribution, DCATAP.availability, self.term(*AVAILABILITY))
        return distribution

    def build(self):
        catalog, dataset = self.catalog, self.node("dataset")
        publisher, licence = self.agent(), self.licence()
        languages = [
            self.term("language", LANGUAGE_CODES[code], DCTERMS.LinguisticSystem)
            for code, _name in settings.LANGUAGES
        ]
        data_theme = self.term(*DATA_THEME)

        self.add(catalog, RDF.type, DCAT.Catalog, DCATAPIT.Catalog)
        # One title per language: the ontology's "exactly one" is read per language, as the
        # AgID guidelines' multilingual examples have it.
        identity = administration()
        self.texts(
            catalog,
            DCTERMS.title,
            lambda: _("%(name)s: international city networks") % {"name": identity.name},
        )
        self.texts(
            catalog,
            DCTERMS.description,
            lambda: (
                _(
                    "The open data about the international city networks %(city)s belongs to: one "
                    "dataset, as CSV and as JSON."
                )
                % {"city": identity.short_name}
            ),
        )
        self.add(catalog, DCTERMS.publisher, publisher)
        self.add(catalog, DCTERMS.license, licence)  # of the catalogue itself
        self.add(catalog, DCTERMS.modified, self.modified)
        self.add(catalog, DCTERMS.language, *languages)
        self.add(catalog, FOAF.homepage, self.page("opendata:page"))
        self.add(catalog, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme"))
        self.add(catalog, DCAT.dataset, dataset)

        self.add(dataset, RDF.type, DCAT.Dataset, DCATAPIT.Dataset)
        self.add(
            dataset,
            DCTERMS.identifier,
            Literal(f"{identity.ipa_code}:{DATASET_ID}"),
        )
        self.texts(dataset, DCTERMS.title, datasets.dataset_title)
        self.texts(dataset, DCTERMS.description, datasets.dataset_description)
        self.add(dataset, DCTERMS.modified, self.modified)
        self.add(dataset, DCAT.theme, data_theme)
        self.add(dataset, DCTERMS.publisher, publisher)
        self.add(dataset, DCTERMS.rightsHolder, publisher)
        self.add(dataset, DCTERMS.accrualPeriodicity, self.term(*FREQUENCY))
        self.add(dataset, DCTERMS.language, *languages)
        self.add(dataset, DCAT.landingPage, self.page("networks:list"))
        contact = self.contact_point()
        if contact:
            self.add(dataset, DCAT.contactPoint, contact)
        self.themes(dataset)
        for fragment, url_name, file_type, media_type in DISTRIBUTIONS:
            self.add(
                dataset,
                DCAT.distribution,
                self.distribution(fragment, url_name, file_type, media_type, licence),
            )
        return self.graph

    def page(self, url_name):
        """Return a public page, in the site's first language, as a document."""
        with translation.override(settings.LANGUAGE_CODE):
            page = URIRef(self.absolute(reverse(url_name)))
        self.add(page, RDF.type, FOAF.Document)
        return page


def catalog_graph(request):
    """Return the catalogue as an rdflib Graph, its IRIs on the address `request` came to."""
    return CatalogBuilder(request).build()


def serialize(graph, format_):
    """Return the graph in `format_` (a key of FORMATS), as text."""
    if format_ == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=2)
    return graph.serialize(format=format_)
