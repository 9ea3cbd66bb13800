"""Which reverse proxies the console trusts, and who a request really comes from behind them.

proxies = Proxies.of(["10.0.0.0/8"])
proxies.sent(request)            # the peer is one of them
proxies.client_address(request)  # the peer, or the nearest X-Forwarded-For hop not a proxy
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Proxies:
    networks: tuple[Network, ...]

    @classmethod
    def of(cls, listed: Iterable[str]) -> Proxies:
        return cls(tuple(ipaddress.ip_network(p, strict=False) for p in listed))

    def trusted(self, text: str) -> bool:
        try:
            address = ipaddress.ip_address(text.strip())
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def sent(self, request: web.Request) -> bool:
        """Whether the request's peer is one of the trusted proxies."""
        return self.trusted(request.remote or "")

    def client_address(self, request: web.Request) -> str:
        """Who is signing in, for the throttle and the log: the peer, or behind one of
        `trusted_proxies` the nearest `X-Forwarded-For` hop that is not itself a trusted proxy
        (the hops further left are whatever the client claimed)."""
        address = request.remote or "?"
        if not self.sent(request):
            return address
        hops = [
            h.strip() for v in request.headers.getall("X-Forwarded-For", ()) for h in v.split(",")
        ]
        for hop in reversed(hops):
            if not self.trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return address  # garbage from the proxy's side: keep the proxy's address
        return address
