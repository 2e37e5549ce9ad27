"""
Checks before publishing: what a publisher is warned of, and confirms, when a network goes on
the site from its form (its state, "Salva e pubblica") or from the list's bulk action.
"""

from django.conf import settings
from django.forms.formsets import DEFAULT_MAX_NUM
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from .dashboard import stale_facts_limit
from .models import same_names

# The most rows an inline formset reads (Django's absolute_max for the default max_num).
MAX_ROWS = 2 * DEFAULT_MAX_NUM


def warnings(network, *, themes, active_membership, public_document, names=None):
    """
    Return what `network` lacks to be published well, each a sentence; [] if nothing.

    The network's own fields are read from it; what is beside them (its themes, whether it
    has an active membership and a public document) is passed, as saved or as a form sends it.
    `names`, {language: name}, asks for a name another network has too.
    """
    found = []
    languages = dict(settings.LANGUAGES)
    for code in network.missing_languages():
        found.append(_("Its texts are missing in %(language)s.") % {"language": languages[code]})
    if not themes:
        found.append(_("It has no theme: it shows in no theme's page."))
    if not active_membership:
        found.append(_("It has no active membership."))
    if network.key_facts and network.key_facts_date is None:
        found.append(_("Its key facts have no date."))
    elif network.key_facts and network.key_facts_date < stale_facts_limit():
        found.append(
            _("Its key facts are older than %(months)d months.")
            % {"months": settings.KEY_FACTS_MAX_AGE_MONTHS}
        )
    if names is not None:
        for other in dict.fromkeys(same_names(network, names).values()):
            found.append(_("The network “%(other)s” has the same name.") % {"other": other})
    if not public_document:
        found.append(_("It has no public document."))
    return found


def saved_warnings(network):
    """warnings() of a saved network, as it is in the database (the bulk action)."""
    names = {
        code: getattr(network, build_localized_fieldname("name", code))
        for code, _name in settings.LANGUAGES
    }
    return warnings(
        network,
        themes=network.themes.exists(),
        active_membership=network.memberships.active().exists(),
        public_document=network.documents.public().exists(),
        names=names,
    )


def submitted_rows(data, files, prefix):
    """
    Yield the rows of the admin's inline formset `prefix` as the form sent them, each a dict of
    its fields (a file chosen as "file"), the rows marked for deletion left out: the inlines are
    validated after the network's form, which needs them to warn.
    """
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except ValueError:
        return
    for index in range(total):
        start = f"{prefix}-{index}-"
        row = {
            key.removeprefix(start): value for key, value in data.items() if key.startswith(start)
        }
        if files.get(f"{start}file"):
            row["file"] = files[f"{start}file"]
        if row and not row.get("DELETE"):
            yield row
