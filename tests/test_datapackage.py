"""The data package of the CSV, checked by frictionless itself, and the files' Link headers."""

import csv
import json

import frictionless
import pytest

from opendata import datasets

from .factories import MembershipFactory, NetworkFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def csv_field_size_limit():
    """Python's limit on a CSV field as it was: frictionless raises it for the whole process when
    it reads its first CSV, and the import of networks relies on it (test_import_export)."""
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


@pytest.fixture
def networks():
    youth = ThemeFactory(slug="giovani", name_it="Giovani", name_en="Youth")
    eurodesk = NetworkFactory(
        slug="eurodesk",
        name_it="Eurodesk",
        acronym="=EU",  # escaped in the CSV as a formula would be: still a string
        founded_year=1990,
        website="https://www.eurodesk.it/",
        themes=[youth],
    )
    MembershipFactory(network=eurodesk, joined_year=2007, sector_it="Informagiovani")
    NetworkFactory(slug="senza-anni", name_it="Rete senza anni", founded_year=None, website="")


def saved(client, folder):
    """Save the package and the CSV side by side, as a re-user would, and return the package."""
    package = client.get("/opendata/datapackage.json")
    assert package.status_code == 200
    (folder / "datapackage.json").write_bytes(package.content)
    (folder / "networks.csv").write_bytes(client.get("/opendata/networks.csv").content)
    return folder / "datapackage.json"


def test_frictionless_finds_the_package_and_the_csv_valid(client, networks, tmp_path):
    report = frictionless.validate(saved(client, tmp_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    [task] = report.tasks
    assert task.stats["rows"] == 2


def test_frictionless_would_see_a_column_the_schema_does_not_describe(client, networks, tmp_path):
    path = saved(client, tmp_path)
    package = json.loads(path.read_text())
    fields = package["resources"][0]["schema"]["fields"]
    package["resources"][0]["schema"]["fields"] = [f for f in fields if f["name"] != "scope"]
    path.write_text(json.dumps(package))
    assert not frictionless.validate(path).valid


def test_every_column_has_its_type_title_and_description_in_both_languages(client, networks):
    package = client.get("/opendata/datapackage.json").json()
    [resource] = package["resources"]
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    assert list(fields) == [column for column, _text in datasets.field_descriptions()]
    for field in fields.values():
        assert field["title"] and field["title_en"] and field["description"], field
    assert fields["joined_year"]["type"] == "integer"
    assert fields["joined_year"]["title"] == "Anno di adesione"
    assert fields["joined_year"]["title_en"] == "Year joined"
    assert fields["scope"]["constraints"]["enum"] == ["international", "european", "national"]
    assert fields["updated_at"]["type"] == "datetime"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["path"] == "https://www.comune.modena.it/"
    assert resource["path"] == "networks.csv"


@pytest.mark.parametrize(
    ("path", "description"),
    [
        ("/opendata/networks.csv", "</opendata/datapackage.json>"),
        ("/opendata/networks.json", "</opendata/openapi.yaml>"),
    ],
)
def test_the_files_link_to_their_licence_and_description(client, networks, path, description):
    link = client.get(path)["Link"]
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in link
    assert f'{description}; rel="describedby"' in link
