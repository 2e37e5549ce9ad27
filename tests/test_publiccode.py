"""publiccode.yml, the file Developers Italia's reuse catalogue reads, against the standard."""

import json

import jsonschema
import pytest
import yaml
from django.conf import settings
from PIL import Image

PUBLICCODE = settings.BASE_DIR / "publiccode.yml"
SCHEMA = (
    settings.BASE_DIR.parent
    / "shared"
    / "standards"
    / "publiccode"
    / "publiccode_schema_v0.5.0.json"
)


@pytest.fixture(scope="module")
def publiccode():
    return yaml.safe_load(PUBLICCODE.read_text())


def resolved(schema):
    """
    Return `schema` with its references written as paths ("#/definitions/legal").

    The schema names its definitions with draft-04's plain-name ids ("$id": "#legal") and refers
    to them so ("$ref": "#legal"); jsonschema, following draft 7, no longer resolves those.
    """
    paths = {f"#{name}": f"#/definitions/{name}" for name in schema["definitions"]}

    def rewrite(node):
        if isinstance(node, dict):
            return {
                key: paths.get(value, value) if key == "$ref" else rewrite(value)
                for key, value in node.items()
                if not (key == "$id" and value in paths)
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    return rewrite(schema)


@pytest.mark.skipif(
    not SCHEMA.exists(), reason=f"the publiccode.yml 0.5.0 schema is not at {SCHEMA}"
)
def test_publiccode_yml_is_valid_against_the_0_5_schema(publiccode):
    schema = resolved(json.loads(SCHEMA.read_text()))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(publiccode)
    ]
    assert errors == []


def test_the_descriptions_are_in_italian_and_english_within_the_catalogue_s_lengths(publiccode):
    descriptions = publiccode["description"]
    assert set(descriptions) == {"it", "en"}
    for text in descriptions.values():
        assert len(text["genericName"]) <= 35
        assert len(text["shortDescription"]) <= 150
        # The catalogue asks for 500 characters at least (the schema's floor is 150).
        assert 500 <= len(text["longDescription"]) <= 10_000
        assert text["features"]


def test_its_screenshots_are_in_the_repository(publiccode):
    for text in publiccode["description"].values():
        for path in text["screenshots"]:
            with Image.open(settings.BASE_DIR / path) as picture:
                assert picture.format == "PNG", path
                assert picture.width >= 390, path


def test_it_says_what_the_project_says(publiccode):
    assert publiccode["legal"]["license"] == "EUPL-1.2"
    pyproject = (settings.BASE_DIR / "pyproject.toml").read_text()
    assert 'license = "EUPL-1.2"' in pyproject
    languages = [code for code, _name in settings.LANGUAGES]
    assert publiccode["localisation"]["availableLanguages"] == languages
