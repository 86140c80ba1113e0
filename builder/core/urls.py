"""External URLs: how two links to the same article are recognised."""

from __future__ import annotations

import re

TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|"
                      r"igshid|yclid|twclid|ttclid|_hsenc|_hsmi|ocid|ref|ref_src)$")


def normalise_url(url: str) -> str:
    """The form of a URL used to spot two articles curating the same source.

    Scheme, `www.`, letter case of the host, user info, a default port, a
    trailing slash, the fragment, the order of query parameters and tracking
    parameters (`utm_*`, `fbclid`, ...) do not make a different article, so
    they are dropped.
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if ":" in host:  # an IPv6 address keeps its brackets, so a port stays readable
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # `host:abc` names no port at all
        port = None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING.match(k.lower())]
    text = host + parts.path.rstrip("/")
    if query:
        text += "?" + urlencode(sorted(query))
    return text
