"""schema.org descriptions of the pages, as JSON-LD: each network an Organization, the city a
GovernmentOrganization among its members."""

from .cache import administration


def city(page=None):
    """The city; with the networks page, the office of its contacts block as a ContactPoint."""
    found = administration()
    data = {"@type": "GovernmentOrganization", "name": found.name, "url": found.website}
    if page is not None and page.contact_office:
        contact = {"@type": "ContactPoint", "name": page.contact_office}
        if page.contact_email:
            contact["email"] = page.contact_email
        if page.contact_phone:
            contact["telephone"] = page.contact_phone
        data["contactPoint"] = contact
        if page.contact_address:
            data["address"] = page.contact_address
    return data


def organization(network, request, page=None, member=None):
    """The network; `member`, the city as city() gives it, when it is already at hand."""
    data = {
        "@type": "Organization",
        "name": network.name,
        "description": network.summary,
        "url": request.build_absolute_uri(network.get_absolute_url()),
        "member": member or city(page),
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


def collection(name, networks, request, first_position=1, page=None):
    """
    Return a CollectionPage listing `networks`, numbered from `first_position`, published by the
    city (with the office's contacts of the networks page `page`).
    """
    member = city()  # once for every network of the page
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": request.build_absolute_uri(request.path),
        "publisher": city(page),
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "item": {
                        key: value
                        for key, value in organization(network, request, member=member).items()
                        if key != "@context"
                    },
                }
                for position, network in enumerate(networks, start=first_position)
            ],
        },
    }
