"""
The open data catalogue (DCAT-AP_IT): its files, what it says, and its graph checked by pyshacl
against the official DCAT-AP 2.1.1 and 3.0.1 shapes, the restrictions of the DCAT-AP_IT ontology
and the project's shapes of AgID's mandatory elements (opendata/shapes/agid.ttl).

The official files are in ../shared/standards/dcat-ap/, beside the project, not in it: the tests
that need them skip, saying so, where that folder is absent.
"""

import pytest
from django.conf import settings
from pyshacl import validate
from rdflib import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from networks.models import NetworksPage
from opendata.catalog import DCATAPIT

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db

STANDARDS = settings.BASE_DIR.parent / "shared" / "standards" / "dcat-ap"
needs_standards = pytest.mark.skipif(
    not STANDARDS.is_dir(), reason=f"the official DCAT-AP shapes are not in {STANDARDS}"
)
OFFICIAL_SHAPES = {
    "DCAT-AP 2.1.1": [
        "2.1.1_dcat-ap_2.1.1_shacl_shapes.ttl",
        "2.1.1_dcat-ap_2.1.1_shacl_range.ttl",
        "2.1.1_dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl",
        "2.1.1_dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
    ],
    "DCAT-AP 3.0.1": ["3.0.1_shacl_dcat-ap-SHACL.ttl"],
}
AGID_SHAPES = settings.BASE_DIR / "opendata" / "shapes" / "agid.ttl"

BASE = "http://testserver/opendata/catalog"
DATASET = URIRef(f"{BASE}#dataset")
PUBLISHER = URIRef(f"{BASE}#publisher")
EUROVOC_CLIMATE = URIRef("http://eurovoc.europa.eu/5482")


@pytest.fixture
def content():
    climate = ThemeFactory(
        slug="clima", name_it="Clima", name_en="Climate", topic_uri=str(EUROVOC_CLIMATE)
    )
    youth = ThemeFactory(slug="giovani", name_it="Giovani", name_en="")
    MembershipFactory(network=NetworkFactory(slug="eurodesk", themes=[youth]), joined_year=2007)
    NetworkFactory(slug="climate-alliance", themes=[climate])
    page = NetworksPage.load()
    page.contact_office_it = "Ufficio Relazioni internazionali"
    page.contact_email = "relazioni@example.org"
    page.save()


def catalogue(client, extension="ttl", **headers):
    response = client.get(f"/opendata/catalog.{extension}", headers=headers)
    assert response.status_code == 200
    formats = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
    return Graph().parse(data=response.content, format=formats[extension])


def violations(data, shapes, **options):
    """Return the violations pyshacl finds (warnings and notes aside), as readable lines."""
    _conforms, report, _text = validate(data, shacl_graph=shapes, allow_warnings=True, **options)
    found = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.append(
                f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
                f"{report.value(result, SH.resultMessage)}"
            )
    return found


class TestFiles:
    @pytest.mark.parametrize(
        ("extension", "content_type"),
        [
            ("ttl", "text/turtle; charset=utf-8"),
            ("rdf", "application/rdf+xml; charset=utf-8"),
            ("jsonld", "application/ld+json"),
        ],
    )
    def test_each_file_has_its_media_type(self, client, content, extension, content_type):
        response = client.get(f"/opendata/catalog.{extension}")
        assert response["Content-Type"] == content_type

    def test_the_three_files_hold_the_same_graph(self, client, content):
        turtle = catalogue(client)
        assert len(turtle) > 100
        assert isomorphic(turtle, catalogue(client, "rdf"))
        assert isomorphic(turtle, catalogue(client, "jsonld"))

    @pytest.mark.parametrize(
        ("accept", "extension"),
        [
            ("", "ttl"),
            ("text/html", "ttl"),
            ("application/rdf+xml", "rdf"),
            ("application/ld+json, */*;q=0.1", "jsonld"),
        ],
    )
    def test_the_catalogue_s_iri_leads_to_the_file_asked_for(
        self, client, content, accept, extension
    ):
        response = client.get("/opendata/catalog", headers={"accept": accept})
        assert response.status_code == 303
        assert response.url == f"/opendata/catalog.{extension}"

    def test_an_unchanged_catalogue_gets_a_304(self, client, content):
        first = client.get("/opendata/catalog.ttl")
        again = client.get("/opendata/catalog.ttl", headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304

    def test_the_open_data_page_announces_and_carries_it(self, client, content):
        page = client.get("/it/dati-aperti/").content.decode()
        for kind, extension in [
            ("text/turtle", "ttl"),
            ("application/rdf+xml", "rdf"),
            ("application/ld+json", "jsonld"),
        ]:
            assert f'type="{kind}" href="/opendata/catalog.{extension}"' in page
        embedded = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
        assert isomorphic(Graph().parse(data=embedded, format="json-ld"), catalogue(client))


class TestWhatItSays:
    def test_texts_in_italian_and_english(self, client, content):
        graph = catalogue(client)
        titles = set(graph.objects(DATASET, DCTERMS.title))
        assert Literal("Reti internazionali di città a cui aderisce Modena", lang="it") in titles
        assert Literal("International city networks Modena belongs to", lang="en") in titles

    @pytest.mark.parametrize("ipa_code", ["c_f257", "c_a944"])
    def test_identifiers_from_the_ipa_code(self, client, content, settings, ipa_code):
        settings.IPA_CODE = ipa_code
        graph = catalogue(client)
        assert graph.value(DATASET, DCTERMS.identifier) == Literal(
            f"{ipa_code}:reti-internazionali"
        )
        assert graph.value(PUBLISHER, DCTERMS.identifier) == Literal(ipa_code)
        assert (PUBLISHER, RDF.type, DCATAPIT.Agent) in graph
        assert graph.value(PUBLISHER, FOAF.homepage) == URIRef(settings.CITY_URL)

    def test_the_themes_as_keywords_and_their_eurovoc_concepts(self, client, content):
        graph = catalogue(client)
        keywords = set(graph.objects(DATASET, DCAT.keyword))
        assert {Literal("Clima", lang="it"), Literal("Climate", lang="en")} <= keywords
        # A theme not translated is given in Italian, tagged as Italian, in both places.
        assert Literal("Giovani", lang="en") not in keywords
        assert (DATASET, DCTERMS.subject, EUROVOC_CLIMATE) in graph
        assert (DATASET, DCAT.theme, EUROVOC_CLIMATE) in graph
        eu_theme = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
        assert (DATASET, DCAT.theme, eu_theme) in graph

    def test_the_office_is_the_contact_point_with_its_e_mail(self, client, content):
        graph = catalogue(client)
        contact = graph.value(DATASET, DCAT.contactPoint)
        assert graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == URIRef(
            "mailto:relazioni@example.org"
        )

    def test_no_e_mail_no_contact_point(self, client, content):
        page = NetworksPage.load()
        page.contact_email = ""
        page.save()
        assert catalogue(client).value(DATASET, DCAT.contactPoint) is None

    def test_modified_moves_with_the_content(self, client, content):
        before = catalogue(client).value(DATASET, DCTERMS.modified)
        assert before.datatype == XSD.dateTime
        NetworkFactory(slug="nuova")
        assert catalogue(client).value(DATASET, DCTERMS.modified) >= before


@needs_standards
class TestShapes:
    @pytest.mark.parametrize("profile", OFFICIAL_SHAPES)
    def test_no_violation_of_the_official_dcat_ap_shapes(self, client, content, profile):
        shapes = Graph()
        for name in OFFICIAL_SHAPES[profile]:
            shapes.parse(STANDARDS / name)
        assert violations(catalogue(client), shapes) == []

    def test_no_violation_of_the_dcat_ap_it_ontology_s_restrictions(self, client, content):
        ontology = Graph().parse(STANDARDS / "DCAT-AP_IT.ttl")
        shapes = restriction_shapes(ontology)
        assert len(set(shapes.subjects(SH.targetClass, None))) >= 8
        assert violations(catalogue(client), shapes) == []

    def test_the_ontology_s_restrictions_catch_what_it_forbids(self, client, content):
        graph = catalogue(client)
        graph.add((PUBLISHER, FOAF.name, Literal("City of Modena", lang="en")))  # one name only
        graph.remove((DATASET, DCTERMS.rightsHolder, None))  # exactly one rights holder
        shapes = restriction_shapes(Graph().parse(STANDARDS / "DCAT-AP_IT.ttl"))
        found = violations(graph, shapes)
        assert any(str(PUBLISHER) in line and "name" in line for line in found), found
        assert any(str(DATASET) in line and "rightsHolder" in line for line in found), found


class TestAgidShapes:
    def test_no_violation_of_agid_s_mandatory_elements(self, client, content):
        assert violations(catalogue(client), Graph().parse(AGID_SHAPES)) == []

    def test_the_shapes_catch_what_agid_requires(self, client, content):
        graph = catalogue(client)
        graph.set((DATASET, DCTERMS.identifier, Literal("reti-internazionali")))  # no IPA code
        csv = URIRef(f"{BASE}#distribution-csv")
        graph.remove((csv, DCTERMS.license, None))
        graph.remove(
            (URIRef(BASE), DCTERMS.title, Literal(graph.value(URIRef(BASE), DCTERMS.title)))
        )
        found = violations(graph, Graph().parse(AGID_SHAPES))
        assert any(str(DATASET) in line and "identifier" in line for line in found)
        assert any(str(csv) in line and "license" in line for line in found)


# The DCAT-AP_IT ontology states its constraints as OWL restrictions, which no validator checks
# on data. They become SHACL shapes here, one property shape per restriction. Its "exactly one"
# title or description is read as one per language: the AgID guidelines give them in several.
MULTILINGUAL = {DCTERMS.title, DCTERMS.description}
ANY_NODE = {RDFS.Resource, OWL.Thing}
LITERALS = {RDFS.Literal, RDF.PlainLiteral}


def value_shape(shapes, ontology, kind):
    """Return a shape the values of class or data range `kind` conform to (None: any value)."""
    if kind in ANY_NODE:
        return None
    shape = BNode()
    union = ontology.value(kind, OWL.unionOf)
    if kind in LITERALS:
        shapes.add((shape, SH.nodeKind, SH.Literal))
    elif union is not None:
        alternatives = []
        for member in Collection(ontology, union):
            alternative = BNode()
            shapes.add((alternative, SH.datatype, member))
            alternatives.append(alternative)
        shapes.add((shape, SH["or"], Collection(shapes, BNode(), alternatives).uri))
    elif str(kind).startswith(str(XSD)):
        shapes.add((shape, SH.datatype, kind))
    else:
        shapes.add((shape, SH["class"], kind))
    return shape


def restriction_shapes(ontology):
    shapes = Graph()
    for owner in set(ontology.subjects(RDF.type, OWL.Class)):
        for restriction in ontology.objects(owner, RDFS.subClassOf):
            if (restriction, RDF.type, OWL.Restriction) not in ontology:
                continue
            path = ontology.value(restriction, OWL.onProperty)
            prop = BNode()
            shapes.add((owner, RDF.type, SH.NodeShape))
            shapes.add((owner, SH.targetClass, owner))
            shapes.add((owner, SH.property, prop))
            shapes.add((prop, SH.path, path))
            value = ontology.value
            exact = value(restriction, OWL.cardinality)
            at_least = exact or value(restriction, OWL.minCardinality)
            at_most = exact or value(restriction, OWL.maxCardinality)
            if at_least is not None:
                shapes.add((prop, SH.minCount, Literal(int(at_least))))
            if at_most is not None:
                if path in MULTILINGUAL:
                    shapes.add((prop, SH.uniqueLang, Literal(True)))
                else:
                    shapes.add((prop, SH.maxCount, Literal(int(at_most))))
            kind = value(restriction, OWL.onClass) or value(restriction, OWL.onDataRange)
            exact = value(restriction, OWL.qualifiedCardinality)
            at_least = exact or value(restriction, OWL.minQualifiedCardinality)
            at_most = exact or value(restriction, OWL.maxQualifiedCardinality)
            if value(restriction, OWL.someValuesFrom) is not None:
                kind, at_least = value(restriction, OWL.someValuesFrom), 1
            if kind is not None and (at_least is not None or at_most is not None):
                shape = value_shape(shapes, ontology, kind)
                if shape is None:  # any value: a count of values
                    if at_least is not None:
                        shapes.add((prop, SH.minCount, Literal(int(at_least))))
                    if at_most is not None:
                        shapes.add((prop, SH.maxCount, Literal(int(at_most))))
                    continue
                shapes.add((prop, SH.qualifiedValueShape, shape))
                if at_least is not None:
                    shapes.add((prop, SH.qualifiedMinCount, Literal(int(at_least))))
                if at_most is not None:
                    shapes.add((prop, SH.qualifiedMaxCount, Literal(int(at_most))))
            every = value(restriction, OWL.allValuesFrom)
            if every is not None:
                shape = value_shape(shapes, ontology, every)
                if shape is not None:
                    shapes.add((prop, SH.node, shape))
    return shapes
