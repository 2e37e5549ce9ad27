"""
The administration that publishes the site, a comune or any other: its name, as it signs and as
sentences say it, its codes and the addresses every page links to.

One row, edited by administrators. Until it is saved, current() answers from the settings (the
environment), so that a first start shows the right name before anyone opens the admin.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit

# The networks' URL field (a bare domain typed in the form gets https://) and their logos' checks
# and storage: the coat of arms is uploaded, stored and backed up as a network's logo is.
from networks.models import WebAddressField
from networks.uploads import logo_upload_to, reencoded_logo
from networks.validators import validate_logo

from . import theme

# The codes of the index of public administrations: "c_f257" for a comune (c_ and its cadastral
# code), "r_emiro" for a region, and so on; lower-case letters, digits and underscores.
IPA_CODE_VALIDATOR = RegexValidator(
    r"^[a-z0-9_]{2,20}$",
    _("Enter the IPA code as the index writes it: lower-case letters, digits and _, e.g. c_a944."),
)


class Administration(models.Model):
    SINGLETON_PK = 1

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("As the administration calls itself on its acts and its website."),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        help_text=_(
            "The name within sentences, such as “… joined in 2008”: the name alone, "
            "without “Comune di”."
        ),
    )
    ipa_code = models.CharField(
        _("IPA code"),
        max_length=20,
        validators=[IPA_CODE_VALIDATOR],
        help_text=_(
            "The administration's code in the index of public administrations "
            "(indicepa.gov.it): it names the publisher of the open data."
        ),
    )
    coat_of_arms = models.ImageField(
        _("coat of arms or logo"),
        upload_to=logo_upload_to,
        validators=[validate_logo],
        blank=True,
        help_text=_(
            "Shown beside the name at the top of every page. PNG, JPEG or WebP, at most 2 MB "
            "and 4,000 × 4,000 pixels; square or upright."
        ),
    )
    # WebP renditions for the header: 82 px high on a computer, twice as many for sharp screens.
    coat_of_arms_header = ImageSpecField(
        source="coat_of_arms",
        processors=[ResizeToFit(82, 82)],
        format="WEBP",
        options={"quality": 90},
    )
    coat_of_arms_header_2x = ImageSpecField(
        source="coat_of_arms",
        processors=[ResizeToFit(164, 164)],
        format="WEBP",
        options={"quality": 90},
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=theme.DEFAULT_PRIMARY,
        validators=[
            RegexValidator(
                rf"^{theme.HEX_COLOUR}$", _("Write the colour as # and six hex digits: #0066CC.")
            )
        ],
        help_text=_(
            "The colour of the header, the buttons and the links (Bootstrap Italia's primary), "
            "as # and six hex digits; the Comuni template's blue is #0066CC."
        ),
    )
    website = WebAddressField(
        _("website"), help_text=_("The administration's main site, which every page links to.")
    )
    privacy_url = WebAddressField(_("privacy policy"), help_text=_("The address of the policy."))
    accessibility_url = WebAddressField(
        _("accessibility statement"),
        help_text=_("The address of the statement, as published on form.agid.gov.it."),
    )
    legal_notes_url = WebAddressField(
        _("legal notes"),
        blank=True,
        help_text=_("Leave empty to show this site's own page of legal notes."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("administration")
        verbose_name_plural = _("administration")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="%(app_label)s_%(class)s_singleton"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        if self.coat_of_arms and not self.coat_of_arms._committed:
            self.coat_of_arms = reencoded_logo(self.coat_of_arms)  # its pixels only
        super().save(*args, **kwargs)

    def clean(self):
        if re.fullmatch(theme.HEX_COLOUR, self.primary_colour or ""):
            ratio = theme.contrast_with_white(self.primary_colour)
            if ratio < theme.MINIMUM_CONTRAST:
                shown = formats.number_format(ratio, 1)
                raise ValidationError({"primary_colour": theme.CONTRAST_MESSAGE % {"ratio": shown}})

    @property
    def has_own_colour(self):
        return self.primary_colour.upper() != theme.DEFAULT_PRIMARY

    @classmethod
    def from_settings(cls):
        """Return the administration the settings describe, unsaved: a first start's."""
        return cls(
            pk=cls.SINGLETON_PK,
            name=settings.CITY_NAME,
            short_name=settings.CITY_SHORT_NAME,
            ipa_code=settings.IPA_CODE,
            website=settings.CITY_URL,
            privacy_url=settings.PRIVACY_POLICY_URL,
            accessibility_url=settings.ACCESSIBILITY_STATEMENT_URL,
            legal_notes_url=settings.LEGAL_NOTES_URL,
        )

    @classmethod
    def current(cls):
        """Return the administration as saved, else as the settings describe it."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls.from_settings()

    @classmethod
    def load(cls):
        """Return the saved administration, saving the settings' one first if there is none."""
        found = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if found is None:
            found = cls.from_settings()
            found.save()
        return found

    @property
    def legal_notes_address(self):
        return self.legal_notes_url or reverse("networks:legal_notes")
