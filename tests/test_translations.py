import gettext
import io
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from networks.models import Network

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
ITALIAN = Path(settings.BASE_DIR, "locale", "it", "LC_MESSAGES", "django.po")


def test_every_language_of_the_site_has_a_catalogue():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _name in settings.LANGUAGES}


def test_italian_catalogue_is_complete():
    catalogue = polib.pofile(str(ITALIAN))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
def test_catalogues_are_compiled_and_current(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), "run `make translations`"
    assert compiled.stat().st_mtime >= catalogue.stat().st_mtime, "run `make translations`"


def test_a_fresh_clone_compiles_its_catalogues_with_python_alone(settings, tmp_path):
    copy = tmp_path / "it" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(ITALIAN, copy)
    settings.LOCALE_PATHS = [tmp_path]
    output = io.StringIO()
    call_command("compiletranslations", stdout=output)
    assert output.getvalue() == f"Compiled {copy.with_suffix('.mo')}\n"

    with copy.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    translated = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(str(ITALIAN)).translated_entries()
        if not entry.msgid_plural
    }
    read = {
        (context, msgid): catalogue.pgettext(context, msgid)
        if context
        else catalogue.gettext(msgid)
        for context, msgid in translated
    }
    assert translated and read == translated


def test_interface_texts_are_in_italian_by_default():
    assert settings.LANGUAGE_CODE == "it"
    with translation.override("it"):
        assert str(Network._meta.verbose_name_plural) == "reti"
        assert Network.Status.PUBLISHED.label == "Pubblicata"
    with translation.override("en"):
        assert str(Network._meta.verbose_name_plural) == "networks"
