"""schema.org descriptions of the pages, as JSON-LD: each network an Organization, the city a
GovernmentOrganization among its members."""

from django.conf import settings


def city():
    return {"@type": "GovernmentOrganization", "name": settings.CITY_NAME, "url": settings.CITY_URL}


def organization(network, request):
    data = {
        "@type": "Organization",
        "name": network.name,
        "description": network.summary,
        "url": request.build_absolute_uri(network.get_absolute_url()),
        "member": city(),
    }
    if network.acronym:
        data["alternateName"] = network.acronym
    if network.website:
        data["sameAs"] = network.website
    if network.logo:
        data["logo"] = request.build_absolute_uri(network.logo.url)
    if network.founded_year:
        data["foundingDate"] = str(network.founded_year)
    return {"@context": "https://schema.org", **data}


def collection(name, networks, request, first_position=1):
    """Return a CollectionPage listing `networks`, numbered from `first_position`."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": request.build_absolute_uri(request.path),
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "item": {
                        key: value
                        for key, value in organization(network, request).items()
                        if key != "@context"
                    },
                }
                for position, network in enumerate(networks, start=first_position)
            ],
        },
    }
