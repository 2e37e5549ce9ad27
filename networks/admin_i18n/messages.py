"""
Django's generic messages after a save, a deletion or an action, said again with the gender of
the model's name: "La rete «Eurodesk» è stata aggiunta.", not "Il rete “Eurodesk” è stato aggiunto".

Each is found by its text in the active language, so that Django's own logic (which message, the
link to the object, the _continue and _addanother buttons, popups) stays as it is.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .grammar import phrase

GO_ON = _("You may go on editing below.")
ADD_ANOTHER = _("You may add %(another)s below.")

# (Django's msgids, how Django joins them, our phrase, our sentences after it). The msgids are
# plain strings, translated by Django's catalogues (simple-history's has no Italian), not ours; a
# pair is a singular and its plural.
GENERIC_MESSAGES = [
    (
        ["The {name} “{obj}” was added successfully.", "You may edit it again below."],
        " ",
        "added",
        [GO_ON],
    ),
    (
        ["The {name} “{obj}” was added successfully. You may add another {name} below."],
        " ",
        "added",
        [ADD_ANOTHER],
    ),
    (["The {name} “{obj}” was added successfully."], " ", "added", []),
    (
        ["The {name} “{obj}” was changed successfully. You may edit it again below."],
        " ",
        "changed",
        [GO_ON],
    ),
    (
        ["The {name} “{obj}” was changed successfully. You may add another {name} below."],
        " ",
        "changed",
        [ADD_ANOTHER],
    ),
    (["The {name} “{obj}” was changed successfully."], " ", "changed", []),
    # django-simple-history's, after its "Change history" button (SIMPLE_HISTORY_EDIT).
    (
        ['The %(name)s "%(obj)s" was changed successfully.', "You may edit it again below"],
        " - ",
        "changed",
        [GO_ON],
    ),
    (["The %(name)s “%(obj)s” was deleted successfully."], " ", "deleted", []),
    (["Successfully deleted %(count)d %(items)s."], " ", "count deleted", []),
    (
        [
            (
                "%(count)s %(name)s was changed successfully.",
                "%(count)s %(name)s were changed successfully.",
            )
        ],
        " ",
        "count changed",
        [],
    ),
    (
        ["%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"],
        " ",
        "missing",
        [],
    ),
]


def translated_templates(msgids, joiner):
    """Return the texts Django's message of `msgids` has in the active language (any plural)."""
    if isinstance(msgids[0], tuple):
        return {ngettext(*msgids[0], count) for count in (1, 2)}
    return {joiner.join(gettext(msgid) for msgid in msgids)}


PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sd]")


def template_pattern(template):
    """Return a regular expression matching `template` filled in, capturing its values."""
    pattern, seen, end = [], set(), 0
    for placeholder in PLACEHOLDER.finditer(template):
        pattern.append(re.escape(template[end : placeholder.start()]))
        key = placeholder[1] or placeholder[2]
        key = "name" if key == "items" else key
        if key in seen:
            pattern.append(f"(?P={key})")
        else:
            seen.add(key)
            pattern.append(rf"(?P<{key}>\d+)" if key == "count" else rf"(?P<{key}>.+?)")
        end = placeholder.end()
    pattern.append(re.escape(template[end:]))
    return re.compile("".join(pattern), re.DOTALL)


def said_with_gender(message, model):
    """Return Django's generic `message` about `model` said with its name's gender, or as it is."""
    text = str(message)
    generic = (
        (template, key, texts)
        for msgids, joiner, key, texts in GENERIC_MESSAGES
        for template in translated_templates(msgids, joiner)
    )
    for template, key, texts in generic:
        match = template_pattern(template).fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        safe = isinstance(message, SafeData)
        # The object's name is already escaped (and maybe a link) in a safe message.
        escape = conditional_escape if safe else str
        count = int(values["count"]) if "count" in values else None
        words = phrase(model, key, count, object=values.get("obj", ""), id=values.get("key", ""))
        another = escape(phrase(model, "another"))
        said = " ".join([words, *(str(then) % {"another": another} for then in texts)])
        return mark_safe(said) if safe else said
    return message
