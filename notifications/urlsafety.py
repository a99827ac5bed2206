"""Where webhooks may go.

A webhook URL is typed by an admin but fetched by the server, so it must not
reach the server itself, the private network around it or a cloud metadata
service (169.254.169.254). The URL is checked when it is saved and its host's
addresses again at every send, because a name may resolve elsewhere later (DNS
rebinding). ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` lifts the address rules for
installations whose receivers live on the internal network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host
from django.utils.translation import gettext as _

SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def validate_webhook_url(url: str) -> None:
    """Refuse a URL that is not http(s), names this server, or whose host
    resolves to a loopback, link-local (cloud metadata), private, unspecified,
    multicast or reserved address, unless private targets are allowed."""
    host, port = split_url(url)
    if private_targets_allowed():
        return
    if is_ip_address(host):
        # An address says best by itself why it is refused.
        validate_addresses(host, [host])
        refuse_own_host(host)
    else:
        refuse_own_host(host)
        validate_addresses(host, resolve(host, port))


def checked_target(url: str) -> tuple[str, int, list[str]]:
    """At send time: (host, port, addresses to connect to), the addresses
    resolved now and checked, so the request goes where the check looked."""
    host, port = split_url(url)
    addresses = resolve(host, port)
    if not private_targets_allowed():
        validate_addresses(host, addresses)
        refuse_own_host(host)
    return host, port, addresses


def split_url(url: str) -> tuple[str, int]:
    """(host, port) of a URL webhooks may be sent to, before looking at addresses."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ValidationError(
            _("This is not a valid URL: %(error)s") % {"error": error}, code="invalid"
        ) from error
    if parts.scheme.lower() not in SCHEMES:
        raise ValidationError(
            _("Only http:// and https:// URLs can receive webhooks."), code="scheme"
        )
    if not parts.hostname:
        raise ValidationError(_("The URL has no host name."), code="no_host")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            _("Put no user name or password in the URL: the signature authenticates deliveries."),
            code="credentials",
        )
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def refuse_own_host(host: str) -> None:
    if is_own_host(host):
        raise ValidationError(
            _("%(host)s is this server; webhooks cannot be sent to it.") % {"host": host},
            code="own_host",
        )


def is_own_host(host: str) -> bool:
    """The names this server answers to: ``localhost`` and ``ALLOWED_HOSTS``
    (a lone ``*`` there says nothing about which names are ours)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost") or host == "localhost.localdomain":
        return True
    patterns = [p for p in settings.ALLOWED_HOSTS if p != "*"]
    site = urlsplit(getattr(settings, "SITE_URL", "")).hostname
    if site:
        patterns.append(site)
    bracketed = f"[{host}]" if ":" in host else host
    return validate_host(bracketed, patterns)


def _lookup_failure(error: Exception) -> str:
    """What a failed name lookup means, in the reader's words (the resolver's own,
    "[Errno -2] Name or service not known", are neither translated nor plain)."""
    code = error.args[0] if isinstance(error, socket.gaierror) and error.args else None
    if code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
        return _("the name servers know no such name")
    if code == socket.EAI_AGAIN:
        return _("the name servers did not answer in time")
    if isinstance(error, UnicodeError):
        return _("the name is not a valid host name")
    return _("the lookup failed")


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to; an unresolvable host is refused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ValidationError(
            _("%(host)s could not be resolved: %(problem)s.")
            % {"host": host, "problem": _lookup_failure(error)},
            code="unresolvable",
        ) from error
    addresses: list[str] = []
    for *_rest, sockaddr in found:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def validate_addresses(host: str, addresses: Iterable[str]) -> None:
    """Refuse if any of ``host``'s addresses is not a public one. Used when the
    URL is saved and, on the addresses actually connected to, at each send."""
    if private_targets_allowed():
        return
    for address in addresses:
        problem = address_problem(address)
        if problem:
            raise ValidationError(
                _(
                    "%(host)s resolves to %(address)s, %(problem)s. Webhooks only go to "
                    "public addresses unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on."
                )
                % {"host": host, "address": address, "problem": problem},
                code="private_address",
            )


NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped (::ffff:a.b.c.d),
    6to4 (2002:aabb:ccdd::), Teredo (2001::/32, server and client) and NAT64
    (64:ff9b::a.b.c.d). A packet to such an address can reach the IPv4 one."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in prefix for prefix in NAT64_PREFIXES):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_problem(address: str) -> str:
    """Why webhooks may not go to this address, or "" when they may. An IPv6
    address that carries an IPv4 one is judged by that one too."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in embedded_ipv4(ip):
            problem = _single_address_problem(inner)
            if problem:
                return problem
    return _single_address_problem(ip)


def _single_address_problem(ip: IPAddress) -> str:
    if ip.is_loopback:
        return _("a loopback address (this server)")
    if ip.is_link_local:
        return _("a link-local address (where cloud metadata services live)")
    if ip.is_unspecified:
        return _("the unspecified address (this server)")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.is_reserved:
        return _("a reserved address")
    if ip.is_private:
        return _("a private network address")
    if not ip.is_global:
        return _("a special-purpose address")
    return ""
