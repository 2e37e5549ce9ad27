"""The open data page, in each language, and its files, at one address for every language."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "opendata"

urlpatterns = [
    path(_("open-data/"), views.OpenDataView.as_view(), name="page"),
]

# At the root, without a language prefix: reusers' scripts and catalogues link to them.
files = [
    path("opendata/networks.csv", views.opendata_csv, name="opendata_csv"),
    path("opendata/networks.json", views.opendata_json, name="opendata_json"),
    path("opendata/datapackage.json", views.opendata_datapackage, name="opendata_datapackage"),
    path("opendata/openapi.yaml", views.opendata_openapi, name="opendata_openapi"),
    # The catalogue's IRI, and its three serialisations (DCAT-AP_IT).
    path("opendata/catalog", views.catalog_document, name="opendata_catalog"),
    *[
        path(f"opendata/catalog.{extension}", views.catalog_view, {"format_": format_}, name=name)
        for extension, format_, name in views.CATALOG_FILES
    ],
]
