"""
The international city networks of the Comune di Modena.

A `Network` is an association of cities (Energy Cities, Mayors for Peace, …); a `Membership` is
Modena's participation in one, with the office's internal bookkeeping beside the public facts;
`Theme` groups networks for the public filters; a `Document` is a file attached to a network.
Translated fields (name, summary, …) are registered in translation.py.
"""

import unicodedata

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit
from modeltranslation.utils import build_localized_fieldname

from .fulltext import Terms, TermsField
from .storage import private_storage
from .uploads import document_upload_to, logo_upload_to, reencoded_logo
from .validators import validate_logo, validate_pdf

# Years before the first modern city networks (the IULA was founded in 1913) or far in the
# future are typing mistakes. The database refuses them too, so the bounds are constants.
FIRST_YEAR = 1850
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
WITHDRAW_BEFORE_PUBLISH_MESSAGE = _("Withdraw the network after the date it is published from.")
# Digits, spaces, dots, dashes and slashes as people write them, and + before a country code.
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ./-]{4,}[0-9]$",
    _("Enter a phone number: digits, with spaces if you like, and + before a country code."),
)
YEAR_RANGE_MESSAGE = _("Years go from 1850 to 2100.")  # FIRST_YEAR and LAST_YEAR
LEFT_BEFORE_JOINED_MESSAGE = _("The year left cannot come before the year joined.")


def year_in_range(field):
    return Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR})


def document_language_choices():
    """
    Return every language Django knows (networks publish in many more than the site's own), named
    in the active language: the site's languages first, then the others alphabetically.

    global_settings.LANGUAGES only marks the names for translation (gettext_noop): they are
    translated here, each time the choices are read, in the language of the page.
    """
    names = {code: gettext(name) for code, name in global_settings.LANGUAGES}
    first = [code for code, _name in settings.LANGUAGES]
    others = sorted(set(names) - set(first), key=lambda code: alphabetical(names[code]))
    return [(code, names[code]) for code in [*first, *others]]


def alphabetical(text):
    """Return the key that sorts `text` as a dictionary does, ignoring case and accents."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


class WebAddressField(models.URLField):
    """
    A URL field whose form completes a bare domain ("www.efus.eu") with https://.

    Django 6.0 makes https the default; asking for it now also silences the deprecation warning.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Theme(models.Model):
    """A subject the networks work on, used by the public filters (climate, youth, …)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Themes are listed from the lowest position up.")
    )
    topic_uri = WebAddressField(
        _("EuroVoc / AgID topic URI"),
        blank=True,
        help_text=_(
            "The matching term of the EuroVoc thesaurus or of the AgID “argomenti” vocabulary, "
            "e.g. http://eurovoc.europa.eu/2470"
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:theme", kwargs={"slug": self.slug})

    def unique_error_message(self, model_class, unique_check):
        if unique_check == ("slug",):
            return ValidationError(_("Another theme already has this slug."), code="unique")
        return super().unique_error_message(model_class, unique_check)


# A network is translated into a language once these texts are there; the others are optional.
TRANSLATION_REQUIRED_FIELDS = ["name", "summary", "description"]


def sort_name(language):
    """
    Return the expression public lists sort networks by: the name in `language`, else the Italian
    one, in lower case. Network.Meta.indexes holds one index per language on this same expression.
    """
    name = Coalesce(
        NullIf(build_localized_fieldname("name", language), Value("")),
        build_localized_fieldname("name", settings.LANGUAGE_CODE),
        # modeltranslation makes a field class per language: name the type for the database.
        output_field=models.CharField(),
    )
    return Lower(name)


def on_line(now, prefix=""):
    """
    Return the condition: a network (at `prefix`) is on the site at `now`, published and within
    its dates, whether or not `manage.py publish_scheduled` has run since they came.
    """
    return Q(
        Q(**{f"{prefix}publish_at__isnull": True}) | Q(**{f"{prefix}publish_at__lte": now}),
        Q(**{f"{prefix}unpublish_at__isnull": True}) | Q(**{f"{prefix}unpublish_at__gt": now}),
        **{f"{prefix}status": NetworkStatus.PUBLISHED},
    )


class NetworkQuerySet(models.QuerySet):
    def published(self):
        """Return the networks visible to the public now."""
        return self.filter(on_line(timezone.now()))

    def scheduled(self):
        """Return the networks published for a date to come."""
        return self.filter(status=Network.Status.PUBLISHED, publish_at__gt=timezone.now())

    def with_themes(self):
        return self.prefetch_related("themes")

    def with_sort_name(self, language):
        """Annotate `sort_name`: the name in `language` (else Italian), for ordering."""
        return self.annotate(sort_name=sort_name(language))

    def with_active_membership(self):
        """Prefetch the active membership into `active_memberships` (a list of one or none)."""
        return self.prefetch_related(active_memberships())

    def missing_translation(self, language):
        """Return the networks whose name, summary or description is empty in `language`."""
        missing = Q()
        for field in TRANSLATION_REQUIRED_FIELDS:
            column = build_localized_fieldname(field, language)
            missing |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
        return self.filter(missing)

    def for_public_list(self, language):
        """
        Return the published networks in the order of the public lists, for their cards.

        What a card shows besides the network's own fields is read by prefetch_card_data(), for
        the cards not already in the cache only.
        """
        return self.published().with_joined_year().with_sort_name(language).order_by("sort_name")

    def with_joined_year(self):
        """Annotate `joined_year`: when Modena joined, per its current or else latest membership."""
        membership = Membership.objects.filter(network=OuterRef("pk")).order_by(
            F("left_year").desc(nulls_first=True), "-joined_year"
        )
        return self.annotate(joined_year=Subquery(membership.values("joined_year")[:1]))


def active_memberships():
    return Prefetch(
        "memberships", queryset=Membership.objects.active(), to_attr="active_memberships"
    )


def prefetch_card_data(networks):
    """Read, in two queries, the themes and active memberships of `networks` (a list)."""
    prefetch_related_objects(networks, "themes", active_memberships())


class NetworkScope(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    EUROPEAN = "european", _("European")
    NATIONAL = "national", _("National")


class NetworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Sent by an editor to those who may publish (networks.review).
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class Network(models.Model):
    # Also at module level, where Meta.constraints can see them.
    Scope = NetworkScope
    Status = NetworkStatus

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the page address, made from the Italian name."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown in the list of networks."),
    )
    description = models.TextField(_("description"))
    website = WebAddressField(_("website"), max_length=500, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        validators=[validate_logo],
        blank=True,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4,000 × 4,000 pixels."),
    )
    # WebP renditions for the public pages, made once when the logo is saved.
    logo_small = ImageSpecField(
        source="logo", processors=[ResizeToFit(96, 96)], format="WEBP", options={"quality": 90}
    )
    logo_medium = ImageSpecField(
        source="logo", processors=[ResizeToFit(192, 192)], format="WEBP", options={"quality": 90}
    )
    logo_large = ImageSpecField(
        source="logo", processors=[ResizeToFit(384, 384)], format="WEBP", options={"quality": 90}
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope, default=Scope.INTERNATIONAL)
    promoter = models.CharField(
        _("promoting organisation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. UNESCO, World Health Organization, Council of Europe."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    key_facts = models.CharField(
        _("key facts"),
        max_length=300,
        blank=True,
        help_text=_("Figures that describe the network, e.g. “246 cities in 72 countries”."),
    )
    key_facts_date = models.DateField(
        _("key facts true as of"),
        null=True,
        blank=True,
        help_text=_("Figures age: the date they were last checked."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="networks", blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    # Once public, always treated as public for deleting: taking a network back to draft first
    # must not let an editor delete it.
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    # A published network is on the site between these dates (on_line()); publish_scheduled
    # records each in the history when it comes.
    publish_at = models.DateTimeField(
        _("publish from"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to publish at once. A published network appears on the site at this "
            "date and time."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("withdraw on"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to keep it on the site. At this date and time the network leaves the "
            "site and goes back to draft."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        permissions = [
            ("publish_network", _("Can publish a network")),
            ("delete_published_network", _("Can delete a published network")),
            ("empty_bin", _("Can delete networks in the bin for good")),
        ]
        # The public pages list published networks only, sorted by name in their language: with
        # these, a page of thousands of networks reads its twenty rows from an index instead of
        # sorting them all; counting them, and the counts per theme, read the small index of
        # their ids and dates alone, not the table (an index-only scan on PostgreSQL: at 10,000
        # networks the count takes 2 ms instead of 12, the counts per theme 10 instead of 17).
        # The scope is in it too, so that the list filtered by scope is counted the same way (a
        # filtered search at 10,000 networks: 5 ms instead of 16).
        indexes = [
            *(
                models.Index(
                    sort_name(code),
                    condition=Q(status=NetworkStatus.PUBLISHED),
                    name=f"networks_network_sort_name_{code}",
                )
                for code, __ in settings.LANGUAGES
            ),
            models.Index(
                fields=["id", "publish_at", "unpublish_at", "scope"],
                condition=Q(status=NetworkStatus.PUBLISHED),
                name="networks_network_on_line",
            ),
            # The content version reads the latest date come and the next to come
            # (ContentVersion.current()) on every page: a few rows have them.
            *(
                models.Index(
                    fields=[field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"networks_network_{field}",
                )
                for field in ("publish_at", "unpublish_at")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True) | year_in_range("founded_year"),
                name="%(app_label)s_%(class)s_founded_year_in_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(scope__in=NetworkScope.values),
                name="%(app_label)s_%(class)s_scope_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NetworkStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="%(app_label)s_%(class)s_slug_not_empty",
                violation_error_message=_("Give the network a slug."),
            ),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(unpublish_at__isnull=True)
                | Q(unpublish_at__gt=F("publish_at")),
                name="%(app_label)s_%(class)s_withdrawn_after_published",
                violation_error_message=WITHDRAW_BEFORE_PUBLISH_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.logo and not self.logo._committed:
            self.logo = reencoded_logo(self.logo)  # a new upload: store its pixels only
        if self.is_published and self.first_published_at is None:
            # A network scheduled for later is first public then.
            self.first_published_at = max(timezone.now(), self.publish_at or timezone.now())
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("networks:detail", kwargs={"slug": self.slug})

    def unique_error_message(self, model_class, unique_check):
        if unique_check == ("slug",):
            return ValidationError(_("Another network already has this slug."), code="unique")
        return super().unique_error_message(model_class, unique_check)

    def clean(self):
        if self.key_facts_date and not self.key_facts:
            raise ValidationError(
                {"key_facts_date": _("Give the key facts this date refers to, or clear the date.")}
            )
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError({"unpublish_at": WITHDRAW_BEFORE_PUBLISH_MESSAGE})
        if self.is_published and self.unpublish_at and self.unpublish_at <= timezone.now():
            raise ValidationError(
                {"unpublish_at": _("This date has passed: clear it, or choose one to come.")}
            )

    @property
    def is_published(self):
        """Published by the office: on the site now, or from its `publish_at` (is_on_line)."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_on_line(self):
        """On the site now: published, and within its dates."""
        now = timezone.now()
        return (
            self.is_published
            and (self.publish_at is None or self.publish_at <= now)
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def is_scheduled(self):
        """Published for a date to come."""
        return (
            self.is_published and self.publish_at is not None and self.publish_at > timezone.now()
        )

    @property
    def was_ever_published(self):
        return self.is_published or self.first_published_at is not None

    def missing_languages(self):
        """Return the codes of the site's languages this network's texts are not complete in."""
        return [
            code
            for code, _name in settings.LANGUAGES
            if not all(
                getattr(self, build_localized_fieldname(field, code))
                for field in TRANSLATION_REQUIRED_FIELDS
            )
        ]

    @cached_property
    def active_membership(self):
        """Return Modena's current membership, or None; prefetched by with_active_membership()."""
        if hasattr(self, "active_memberships"):
            return self.active_memberships[0] if self.active_memberships else None
        return self.memberships.active().first()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Return the memberships Modena still holds."""
        return self.filter(left_year__isnull=True)


def same_names(network, names):
    """Return {language: the other network with that name} for `names` ({language: name})."""
    found = {}
    for code, name in names.items():
        if name:
            field = build_localized_fieldname("name", code)
            other = Network.objects.exclude(pk=network.pk).filter(**{f"{field}__iexact": name})
            if other := other.first():
                found[code] = other
    return found


class Membership(models.Model):
    """
    Modena's membership of a network.

    The public facts (year, sector, notes, profile) are shown on the site; the fields grouped as
    internal are for the office only and must never reach a public page.
    """

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_year = models.PositiveSmallIntegerField(_("year joined"), validators=YEAR_VALIDATORS)
    left_year = models.PositiveSmallIntegerField(
        _("year left"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while the membership lasts."),
    )
    sector = models.CharField(
        _("sector or role"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Media Arts” for the UNESCO Creative Cities."),
    )
    public_notes = models.TextField(_("public notes"), blank=True)
    profile_url = WebAddressField(
        _("profile page"),
        max_length=500,
        blank=True,
        help_text=_("The page about the administration on the network's website, if there is one."),
    )
    # Internal: for the office only.
    department = models.CharField(_("responsible department"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    annual_fee = models.DecimalField(
        _("annual fee (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    council_resolution = models.CharField(
        _("council resolution"),
        max_length=200,
        blank=True,
        help_text=_("Reference of the resolution on joining, e.g. “Delibera G.C. n. 123/2021”."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network", F("left_year").desc(nulls_first=True), "-joined_year"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("joined_year"),
                name="%(app_label)s_%(class)s_joined_year_in_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(left_year__isnull=True) | year_in_range("left_year"),
                name="%(app_label)s_%(class)s_left_year_in_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(left_year__isnull=True) | Q(left_year__gte=F("joined_year")),
                name="%(app_label)s_%(class)s_left_after_joined",
                violation_error_message=LEFT_BEFORE_JOINED_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(annual_fee__isnull=True) | Q(annual_fee__gte=0),
                name="%(app_label)s_%(class)s_fee_not_negative",
                violation_error_message=_("The annual fee cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(left_year__isnull=True),
                name="%(app_label)s_%(class)s_one_active_per_network",
                violation_error_message=_("There is already an active membership of this network."),
            ),
        ]

    def __str__(self):
        if self.left_year:
            return f"{self.network} ({self.joined_year}–{self.left_year})"
        return f"{self.network} ({self.joined_year}–)"

    def clean(self):
        if self.left_year and self.joined_year and self.left_year < self.joined_year:
            raise ValidationError({"left_year": LEFT_BEFORE_JOINED_MESSAGE})

    @property
    def is_active(self):
        return self.left_year is None


class DocumentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Document(models.Model):
    """A file attached to a network: statutes, charters, reports."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=document_upload_to,
        storage=private_storage,
        validators=[validate_pdf],
        help_text=_("A PDF of at most 20 MB."),
    )
    language = models.CharField(
        _("language"), max_length=15, choices=document_language_choices, default="it"
    )
    date = models.DateField(_("date"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public documents are listed on the network's page; the others stay internal."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["network", F("date").desc(nulls_last=True), "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    def download_name(self):
        """Return the name the file is downloaded under: its title, made safe, in Italian."""
        title = build_localized_fieldname("title", settings.LANGUAGE_CODE)
        return f"{slugify(getattr(self, title) or self.title) or 'document'}.pdf"


class NetworksPage(models.Model):
    """
    The editable texts of the public list of networks: its title and introduction.

    There is one such page: a database constraint pins its primary key, and `load()` creates it on
    first use.
    """

    SINGLETON_PK = 1

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown above the list. Separate paragraphs with an empty line."),
    )
    # The office's contacts, shown on the public pages as the Comuni template's contacts block.
    contact_office = models.CharField(
        _("office"),
        max_length=200,
        blank=True,
        help_text=_("E.g. International relations office. Without it, no contacts are shown."),
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(
        _("phone"),
        max_length=30,
        blank=True,
        validators=[PHONE_VALIDATOR],
        help_text=_("E.g. +39 059 203 2000."),
    )
    contact_address = models.CharField(
        _("address"), max_length=300, blank=True, help_text=_("Street, number and town.")
    )
    contact_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("E.g. Monday to Friday, 9:00–13:00. One line per day or period."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("networks page")
        verbose_name_plural = _("networks page")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="%(app_label)s_%(class)s_singleton"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def get_or_default(cls):
        """Return the page, or an unsaved one with the default title: showing it never writes."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(
            title=_("International city networks")
        )

    @classmethod
    def load(cls):
        page, _created = cls.objects.get_or_create(
            pk=cls.SINGLETON_PK, defaults={"title": _("International city networks")}
        )
        return page


class SearchDocument(models.Model):
    """
    The words of a network in one language, folded and stemmed, in three fields by weight.

    Kept up to date by networks.search on every change of a network, its themes or memberships;
    languages without a translation get the Italian text, so a search in English finds
    untranslated networks.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=15)
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The three fields as PostgreSQL's weighted tsvector, with a GIN index (networks.fulltext).
    terms = models.GeneratedField(
        expression=Terms(), output_field=TermsField(null=True), db_persist=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "language"], name="%(app_label)s_%(class)s_one_per_language"
            ),
        ]

    def __str__(self):
        return f"{self.network} [{self.language}]"


class ContentVersion(models.Model):
    """
    When the public content last changed: any save or deletion of a network, theme, membership,
    document or the networks page moves it (networks.cache.content_changed).

    One row. Conditional GET (ETag, Last-Modified) answers from it without building the page.
    """

    SINGLETON_PK = 1

    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="%(app_label)s_%(class)s_singleton"),
        ]

    def __str__(self):
        return self.changed_at.isoformat()

    @classmethod
    def current(cls):
        """
        Return when the content last changed (now, if it never has: nothing to compare): the
        last edit, or the last date a published network came on or left the site, whether or
        not publish_scheduled has run since.
        """
        return cls.state()[0]

    @classmethod
    def state(cls):
        """Return current(), and when a published network next comes on or leaves the site."""
        now = timezone.now()
        dates = {
            f"{direction}_{field}": scheduled_date(field, now, direction)
            for field in ("publish_at", "unpublish_at")
            for direction in ("last", "next")
        }
        version = cls.objects.filter(pk=cls.SINGLETON_PK)
        subqueries = {name: Subquery(date) for name, date in dates.items()}
        found = version.values("changed_at", **subqueries).first()
        if found is None:  # never changed: a database just made
            found = {name: next(iter(date), None) for name, date in dates.items()}
        last = [found.get("changed_at"), found["last_publish_at"], found["last_unpublish_at"]]
        following = [found["next_publish_at"], found["next_unpublish_at"]]
        return (
            max([date for date in last if date is not None], default=now),
            min([date for date in following if date is not None], default=None),
        )


def scheduled_date(field, now, direction):
    """
    Return the latest `field` (publish_at, unpublish_at) of a published network up to `now`
    (direction "last"), or the earliest after it ("next"), as a query of one value at most that
    reads the field's index.
    """
    published = Network.objects.filter(status=Network.Status.PUBLISHED)
    if direction == "last":
        dates = published.filter(**{f"{field}__lte": now}).order_by(f"-{field}")
    else:
        dates = published.filter(**{f"{field}__gt": now}).order_by(field)
    return dates.values_list(field, flat=True)[:1]


class LinkCheck(models.Model):
    """
    What the last check of a web address found (manage.py check_links): the networks' websites
    and Modena's profile pages. Kept by address, so a network and a membership with the same
    one share it, and an address edited since simply has no check yet.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("working")
        MOVED = "moved", _("moved for good")
        BROKEN = "broken", _("broken")

    url = models.URLField(_("address"), max_length=500, unique=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    new_url = models.URLField(_("new address"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self):
        return self.url

    def problem(self):
        """Return what is wrong, for a person: "moved to …", "broken: 404"; "" if nothing."""
        if self.outcome == self.Outcome.MOVED:
            return gettext("moved to %(address)s") % {"address": self.new_url}
        if self.outcome == self.Outcome.BROKEN:
            reason = str(self.status) if self.status else describe_error(self.error)
            return gettext("broken: %(reason)s") % {"reason": reason}
        return ""


# What networks.linkcheck stores of an address that gave no answer, for people to read.
LINK_ERRORS = {
    "timed out": _("no answer within the time allowed"),
    "name not found": _("server name not found"),
    "connection refused": _("connection refused"),
}


class ReviewStep(models.Model):
    """A step of a network's review before publishing (networks.review): who, when, what."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("sent for review")
        PUBLISHED = "published", _("published")
        SENT_BACK = "sent_back", _("sent back")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="review_steps", verbose_name=_("network")
    )
    action = models.CharField(_("step"), max_length=20, choices=Action)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self):
        return f"{self.network}: {self.get_action_display()}"


class PendingChange(models.Model):
    """
    An editor's save of a published network, kept until an administrator approves it: the form
    as it was sent, inlines included, and the files chosen with it (networks.review). The site
    shows the network as published meanwhile.
    """

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="pending_change", verbose_name=_("network")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # {name: [values]}, as request.POST holds them.
    data = models.JSONField(default=dict)
    # {name: [stored name, name chosen, content type]}: the files, in the private storage.
    files = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("change waiting for approval")
        verbose_name_plural = _("changes waiting for approval")

    def __str__(self):
        return str(self.network)


def describe_error(error):
    """Return a link check's error in the active language, where it is one of LINK_ERRORS."""
    if error.startswith("TLS: "):
        return gettext("secure connection failed (%(reason)s)") % {"reason": error[5:]}
    return str(LINK_ERRORS.get(error, error))
