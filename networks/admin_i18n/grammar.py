"""
The grammar of the models' Italian names: the gender of each (GENDERS), the words that agree with
it (PHRASES), translated with that gender as their context (pgettext), and phrase() to say them:
"la rete", "l'adesione", "un altro tema", "le reti selezionate".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext_lazy, pgettext_lazy

# The kinds of Italian names, as the contexts of the words that agree with them.
MASCULINE = "masculine noun"  # il tema, i temi, un altro tema
MASCULINE_VOWEL = "masculine noun starting with a vowel"  # l'utente, gli utenti
FEMININE = "feminine noun"  # la rete, le reti, un'altra rete
FEMININE_VOWEL = "feminine noun starting with a vowel"  # l'adesione, le adesioni

# The gender of each model's Italian name (its verbose_name, or MODEL_NAMES below).
GENDERS = {
    "networks.network": FEMININE,  # rete
    "networks.theme": MASCULINE,  # tema
    "networks.membership": FEMININE_VOWEL,  # adesione
    "networks.document": MASCULINE,  # documento
    "networks.networkspage": FEMININE,  # pagina delle reti
    "identity.administration": MASCULINE_VOWEL,  # ente
    "feedback.feedback": FEMININE,  # valutazione della pagina
    "networks.searchdocument": MASCULINE,  # testo per la ricerca
    "networks.contentversion": FEMININE,  # versione dei contenuti
    "auth.user": MASCULINE_VOWEL,  # utente
    "auth.group": MASCULINE,  # gruppo
    "auth.permission": MASCULINE,  # permesso
    "admin.logentry": FEMININE,  # voce del registro
    "contenttypes.contenttype": MASCULINE,  # tipo di contenuto
    "sessions.session": FEMININE,  # sessione
    "axes.accessattempt": MASCULINE,  # tentativo di accesso
    "axes.accesslog": MASCULINE_VOWEL,  # accesso
    "axes.accessfailurelog": MASCULINE_VOWEL,  # accesso non riuscito
    "axes.accessattemptexpiration": FEMININE,  # scadenza del tentativo di accesso
}

# Names for the models whose verbose_name is not translated (giving them one takes a migration).
MODEL_NAMES = {
    "networks.searchdocument": (_("search text"), _("search texts")),
    "networks.contentversion": (_("content version"), _("content versions")),
}


def _phrases(
    the,
    the_selected,
    another,
    of_the,
    added,
    changed,
    deleted,
    count_changed,
    count_deleted,
    missing,
):
    return {
        "the": the,
        "the selected": the_selected,
        "another": another,
        "of the": of_the,
        "added": added,
        "changed": changed,
        "deleted": deleted,
        "count changed": count_changed,
        "count deleted": count_deleted,
        "missing": missing,
    }


# The words that agree with a name, for each kind of name. %(name)s is the model's name, in the
# plural where a count asks for it; %(object)s is the object's own name, %(id)s its primary key.
PHRASES = {
    MASCULINE: _phrases(
        pgettext_lazy("masculine noun", "the %(name)s"),
        npgettext_lazy("masculine noun", "the selected %(name)s", "the selected %(name)s", "count"),
        pgettext_lazy("masculine noun", "another %(name)s"),
        pgettext_lazy("masculine noun", "of the %(name)s"),
        pgettext_lazy("masculine noun", "The %(name)s “%(object)s” was added."),
        pgettext_lazy("masculine noun", "The %(name)s “%(object)s” was changed."),
        pgettext_lazy("masculine noun", "The %(name)s “%(object)s” was deleted."),
        npgettext_lazy(
            "masculine noun", "%(count)d %(name)s changed.", "%(count)d %(name)s changed.", "count"
        ),
        npgettext_lazy(
            "masculine noun", "%(count)d %(name)s deleted.", "%(count)d %(name)s deleted.", "count"
        ),
        pgettext_lazy("masculine noun", "No %(name)s with ID “%(id)s”: perhaps it was deleted."),
    ),
    MASCULINE_VOWEL: _phrases(
        pgettext_lazy("masculine noun starting with a vowel", "the %(name)s"),
        npgettext_lazy(
            "masculine noun starting with a vowel",
            "the selected %(name)s",
            "the selected %(name)s",
            "count",
        ),
        pgettext_lazy("masculine noun starting with a vowel", "another %(name)s"),
        pgettext_lazy("masculine noun starting with a vowel", "of the %(name)s"),
        pgettext_lazy(
            "masculine noun starting with a vowel", "The %(name)s “%(object)s” was added."
        ),
        pgettext_lazy(
            "masculine noun starting with a vowel", "The %(name)s “%(object)s” was changed."
        ),
        pgettext_lazy(
            "masculine noun starting with a vowel", "The %(name)s “%(object)s” was deleted."
        ),
        npgettext_lazy(
            "masculine noun starting with a vowel",
            "%(count)d %(name)s changed.",
            "%(count)d %(name)s changed.",
            "count",
        ),
        npgettext_lazy(
            "masculine noun starting with a vowel",
            "%(count)d %(name)s deleted.",
            "%(count)d %(name)s deleted.",
            "count",
        ),
        pgettext_lazy(
            "masculine noun starting with a vowel",
            "No %(name)s with ID “%(id)s”: perhaps it was deleted.",
        ),
    ),
    FEMININE: _phrases(
        pgettext_lazy("feminine noun", "the %(name)s"),
        npgettext_lazy("feminine noun", "the selected %(name)s", "the selected %(name)s", "count"),
        pgettext_lazy("feminine noun", "another %(name)s"),
        pgettext_lazy("feminine noun", "of the %(name)s"),
        pgettext_lazy("feminine noun", "The %(name)s “%(object)s” was added."),
        pgettext_lazy("feminine noun", "The %(name)s “%(object)s” was changed."),
        pgettext_lazy("feminine noun", "The %(name)s “%(object)s” was deleted."),
        npgettext_lazy(
            "feminine noun", "%(count)d %(name)s changed.", "%(count)d %(name)s changed.", "count"
        ),
        npgettext_lazy(
            "feminine noun", "%(count)d %(name)s deleted.", "%(count)d %(name)s deleted.", "count"
        ),
        pgettext_lazy("feminine noun", "No %(name)s with ID “%(id)s”: perhaps it was deleted."),
    ),
    FEMININE_VOWEL: _phrases(
        pgettext_lazy("feminine noun starting with a vowel", "the %(name)s"),
        npgettext_lazy(
            "feminine noun starting with a vowel",
            "the selected %(name)s",
            "the selected %(name)s",
            "count",
        ),
        pgettext_lazy("feminine noun starting with a vowel", "another %(name)s"),
        pgettext_lazy("feminine noun starting with a vowel", "of the %(name)s"),
        pgettext_lazy(
            "feminine noun starting with a vowel", "The %(name)s “%(object)s” was added."
        ),
        pgettext_lazy(
            "feminine noun starting with a vowel", "The %(name)s “%(object)s” was changed."
        ),
        pgettext_lazy(
            "feminine noun starting with a vowel", "The %(name)s “%(object)s” was deleted."
        ),
        npgettext_lazy(
            "feminine noun starting with a vowel",
            "%(count)d %(name)s changed.",
            "%(count)d %(name)s changed.",
            "count",
        ),
        npgettext_lazy(
            "feminine noun starting with a vowel",
            "%(count)d %(name)s deleted.",
            "%(count)d %(name)s deleted.",
            "count",
        ),
        pgettext_lazy(
            "feminine noun starting with a vowel",
            "No %(name)s with ID “%(id)s”: perhaps it was deleted.",
        ),
    ),
}


def is_history_model(model):
    """Return True for django-simple-history's models of past versions (of an object or m2m)."""
    return hasattr(model, "instance_type")


def through_fields(model):
    """Return the two foreign keys of an auto-created m2m table: (to its owner, to its item)."""
    owner = model._meta.auto_created
    keys = [field for field in model._meta.fields if isinstance(field, models.ForeignKey)]
    to_owner = next(field for field in keys if field.related_model is owner)
    to_item = next(field for field in keys if field is not to_owner)
    return to_owner, to_item


def gender_of(model):
    if is_history_model(model):
        model = model.instance_type
        if not model._meta.auto_created:
            return FEMININE  # versione
    if model._meta.auto_created:
        return gender_of(through_fields(model)[1].related_model)
    return GENDERS.get(model._meta.label_lower, MASCULINE)


def model_name(model, count=1):
    """Return the Italian name of `model`, in the plural if `count` is not 1."""
    plural = count != 1
    if is_history_model(model):
        tracked = model.instance_type
        if tracked._meta.auto_created:
            # A version's rows of a many-to-many field: the themes of a version of a network.
            owner, item = (field.related_model for field in through_fields(tracked))
            words = _("%(name)s of a version %(of_the_owner)s")
            return words % {
                "name": model_name(item, count),
                "of_the_owner": phrase(owner, "of the"),
            }
        words = _("versions %(of_the)s") if plural else _("version %(of_the)s")
        return words % {"of_the": phrase(tracked, "of the")}
    if model._meta.auto_created:
        owner, item = (field.related_model for field in through_fields(model))
        return _("%(name)s %(of_the_owner)s") % {
            "name": model_name(item, count),
            "of_the_owner": phrase(owner, "of the"),
        }
    if model._meta.label_lower in MODEL_NAMES:
        return str(MODEL_NAMES[model._meta.label_lower][plural])
    return str(model._meta.verbose_name_plural if plural else model._meta.verbose_name)


def phrase(model, which, count=None, **values):
    """Return the words `which` of PHRASES said of `model`, agreeing with its name's gender."""
    words = PHRASES[gender_of(model)][which]
    name = model_name(model, 1 if count is None else count)
    return words % {"name": name, "count": count, **values}
