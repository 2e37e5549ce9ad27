from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from identity import views as identity_views
from modena_networks import health
from networks import views
from networks.cache import versioned
from networks.sitemaps import sitemaps
from opendata import urls as opendata_urls

handler500 = "networks.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", versioned(views.robots_txt), name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Bootstrap Italia in the administration's colour; the release makes each deploy's new.
    path(
        "theme/<str:release>/kit-<str:colour>.css",
        identity_views.themed_kit_css,
        name="themed_kit_css",
    ),
    # An index of sections, each in pages a crawler reads one at a time (NetworkSitemap.limit).
    path(
        "sitemap.xml",
        versioned(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        versioned(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    *opendata_urls.files,
    # The documents' storage gives their files URLs under PRIVATE_MEDIA_URL, served here.
    # Only names networks.uploads gives documents: a hex digest and ".pdf". Anything else is not
    # found without a query (PostgreSQL refuses some characters outright, such as NUL).
    re_path(
        rf"^{settings.PRIVATE_MEDIA_URL.strip('/')}/(?P<name>[0-9a-f]{{32}}\.pdf)$",
        views.document_file,
        name="document_file",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("networks.urls")),
    path("", include("feedback.urls")),
    path("", include("opendata.urls")),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
