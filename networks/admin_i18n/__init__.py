"""
The admin in correct Italian: what Django and the admin's packages say in English, or with the
article and gender of a masculine name whatever the model ("Il rete “Eurodesk” è stato aggiunto").

- grammar: each model's Italian name has a gender (GENDERS); the words that agree with it are
  translated with that gender as their context (pgettext): "la rete", "un'altra adesione", "le reti
  selezionate", "La rete «Eurodesk» è stata aggiunta.". Other texts take them whole ("Aggiungi
  %(another)s"), in Python and in the templates (templatetags/admin_i18n_tags.py).
- messages: Django's generic messages after a save or a deletion, said with that gender.
- model_admin: ItalianAdminMixin, the first base of every ModelAdmin, which uses them for the
  messages, titles, actions, inline and related-field links, deletion summary, log and history.
- packages: the admins of auth and django-axes re-registered with it, and the Italian for what
  Django and those packages write in English outside any catalogue. Importing this package does
  that re-registration.
"""

from . import packages  # noqa: F401 (re-registers the admins of auth and django-axes)
from .grammar import GENDERS, phrase
from .model_admin import ItalianAdminMixin

__all__ = ["GENDERS", "ItalianAdminMixin", "phrase"]
