"""Who is asking: the visitor's address behind the proxies, and what counts as one visitor."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """
    Return the visitor's address, read past the proxies in front of the site.

    Behind DJANGO_PROXY_COUNT proxies the address is the one that many entries from the end of
    X-Forwarded-For, which the last proxy cannot be told by the client; without proxies it is the
    connection's own address. Used by the login throttle and the rating limit.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def visitor_of(address):
    """
    Return what stands for one visitor: an IPv4 address, or the /64 of an IPv6 one, which a
    single home or phone is handed whole (counting each of its addresses would not limit it).
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is an IPv4 visitor
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
