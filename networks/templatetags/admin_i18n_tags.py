"""The admin's words that agree with a model's name (networks.admin_i18n), for its templates."""

from django import template
from django.contrib import admin
from django.utils.translation import gettext

from networks.admin_i18n import phrase

register = template.Library()


@register.simple_tag
def noun_phrase(opts, key, count=None):
    """Return the words `key` of admin_i18n.PHRASES said of the model of `opts`: "la rete"."""
    return phrase(opts.model, key, count)


@register.inclusion_tag("admin/403.html", takes_context=True)
def admin_forbidden_page(context, csrf=False):
    """Render the admin's 403 page with what every admin page has: its header, menu and links."""
    request = context["request"]
    return {
        **context.flatten(),
        **admin.site.each_context(request),
        "title": gettext("Access denied"),
        "csrf": csrf,  # refused by the CSRF check, not for a permission
    }
