"""A small HTTP client for the Graph Store Protocol and SPARQL Update, standard library only.

It talks to one :class:`~clustergraph.publish.profiles.Target`, authenticates as its profile
says (HTTP Digest, RFC 7616, answered up front once the store has sent its challenge, so that
a large upload is not sent twice), and turns every failure into one project error:

==================================================  =========================================
what happened                                       error (exit code)
==================================================  =========================================
the store refused the credentials (401, 403)        :class:`AuthError` (8)
the store is down, refused or dropped the connection :class:`~clustergraph.errors.EndpointError` (6)
the store answered an HTTP error (500, ...)          :class:`~clustergraph.errors.EndpointError` (6)
no answer within the timeout                         :class:`~clustergraph.errors.QueryTimeout` (5)
==================================================  =========================================

Credentials come from the environment (``CLUSTERGRAPH_STORE_USER`` and
``CLUSTERGRAPH_STORE_PASSWORD``) or from a netrc file (``$NETRC`` or ``~/.netrc``, the entry
of the store's host), never from the command line. Stores on the loopback interface are
reached without any proxy.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import netrc
import os
import re
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from .. import __version__
from ..errors import ClustergraphError, EndpointError, ExitCode, QueryTimeout, UsageError
from .profiles import Target

USER_ENV = "CLUSTERGRAPH_STORE_USER"
PASSWORD_ENV = "CLUSTERGRAPH_STORE_PASSWORD"
NTRIPLES = "application/n-triples"
#: How many times an update the store rolled back is sent again (``StoreClient.update``).
RETRIES = 12


class AuthError(ClustergraphError):
    """The store refused the credentials (or none were given where it needs them)."""

    exit_code = ExitCode.AUTH


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


def credentials(host: str) -> Credentials | None:
    """The credentials for ``host``: from the environment, else from netrc; ``None``."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user and password is not None:
        return Credentials(user, password)
    if user or password:
        raise UsageError(f"set both {USER_ENV} and {PASSWORD_ENV} (only one is set)")
    path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise UsageError(f"{path}: cannot be read as a netrc file ({exc})") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "")


class _Digest:
    """HTTP Digest (RFC 7616: MD5 or SHA-256, qop=auth) computed from the store's challenge,
    so that every later request carries its Authorization header from the start."""

    def __init__(self, creds: Credentials, challenge: str) -> None:
        self.creds = creds
        fields = {k.lower(): a or b for k, a, b in
                  re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', challenge)}
        self.realm = fields.get("realm", "")
        self.nonce = fields.get("nonce", "")
        self.opaque = fields.get("opaque")
        self.qop = "auth" if "auth" in (fields.get("qop") or "").split(",") else None
        self.algorithm = (fields.get("algorithm") or "MD5").upper()
        self.count = 0

    def _h(self, text: str) -> str:
        name = "sha256" if self.algorithm.startswith("SHA-256") else "md5"
        return hashlib.new(name, text.encode()).hexdigest()

    def header(self, method: str, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        self.count += 1
        nc = f"{self.count:08x}"
        cnonce = secrets.token_hex(8)
        ha1 = self._h(f"{self.creds.user}:{self.realm}:{self.creds.password}")
        ha2 = self._h(f"{method}:{uri}")
        if self.qop:
            response = self._h(f"{ha1}:{self.nonce}:{nc}:{cnonce}:auth:{ha2}")
        else:
            response = self._h(f"{ha1}:{self.nonce}:{ha2}")
        out = (f'Digest username="{self.creds.user}", realm="{self.realm}", '
               f'nonce="{self.nonce}", uri="{uri}", response="{response}", '
               f'algorithm={self.algorithm}')
        if self.qop:
            out += f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        if self.opaque is not None:
            out += f', opaque="{self.opaque}"'
        return out


class StoreClient:
    """Graph Store Protocol and SPARQL requests to one target."""

    def __init__(self, target: Target, timeout: float = 300.0,
                 creds: Credentials | None = None) -> None:
        self.target = target
        self.profile = target.profile
        self.timeout = timeout
        self.creds = creds
        self._digest: _Digest | None = None
        host = target.host
        handlers: list[urllib.request.BaseHandler] = []
        if host in ("127.0.0.1", "localhost", "::1"):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        if self.profile.auth != "none" and creds is None:
            raise AuthError(
                f"{target.origin}: {self.profile.name} needs credentials to publish: set "
                f"{USER_ENV} and {PASSWORD_ENV}, or a netrc entry for {host}")

    # ------------------------------------------------------------------ one request

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, what: str = "",
                auth: bool = True) -> bytes:
        """Send one request; the body of a 2xx answer. ``what`` names it in errors."""
        what = what or f"{method} {url}"
        for attempt in range(3):
            hdrs = {"User-Agent": f"clustergraph/{__version__}", **(headers or {})}
            if auth and self.profile.auth == "digest" and self._digest is not None:
                hdrs["Authorization"] = self._digest.header(method, url)
            req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
            try:
                with self._opener.open(req, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
                challenge = exc.headers.get("WWW-Authenticate", "") if exc.headers else ""
                if (exc.code == 401 and auth and self.profile.auth == "digest"
                        and challenge.lower().startswith("digest") and attempt < 2
                        and (self._digest is None or "stale=true" in challenge.lower())):
                    assert self.creds is not None
                    self._digest = _Digest(self.creds, challenge)
                    continue
                if exc.code in (401, 403):
                    user = f" as {self.creds.user!r}" if self.creds else ""
                    raise AuthError(
                        f"{self.target.origin}: the store refused the credentials{user} "
                        f"({exc.code} {exc.reason}) for {what}") from None
                raise EndpointError(
                    f"{self.target.origin} answered {exc.code} {exc.reason} to {what}: "
                    f"{detail}"[:400]) from None
            except TimeoutError:
                raise QueryTimeout(
                    f"{self.target.origin}: no answer to {what} within {self.timeout:g} s"
                ) from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    raise QueryTimeout(
                        f"{self.target.origin}: no answer to {what} within "
                        f"{self.timeout:g} s") from None
                raise EndpointError(
                    f"{self.target.origin} could not be reached for {what}: {exc.reason}"
                ) from None
            except (http.client.HTTPException, ConnectionError, OSError) as exc:
                raise EndpointError(
                    f"{self.target.origin}: the connection failed during {what}: "
                    f"{exc.__class__.__name__}: {exc}") from None
        raise AuthError(f"{self.target.origin}: the store kept asking for credentials "
                        f"for {what}")

    def _prime(self) -> None:
        """Fetch the Digest challenge with a small request, before any large one."""
        if self.profile.auth == "digest" and self._digest is None:
            # an EndpointError (e.g. 400 for a GET without an update) comes after the
            # challenge has been read: that is all this request is for
            with contextlib.suppress(EndpointError):
                self.request("GET", self.target.url(self.profile.update_path),
                             what="the credentials check")

    # ------------------------------------------------------------------ operations

    def put_graph(self, graph: str, data: bytes) -> None:
        """Replace ``graph`` by ``data`` (N-Triples) as the profile's ``staging_upload``
        says: atomically or not, so only for a graph nobody reads (a staging graph)."""
        self._prime()
        url = self.target.graph_url(self.profile.gsp_path, graph)
        what = f"the upload of <{graph}>"
        if self.profile.staging_upload == "post-bulk":
            self.update(self.profile.drop.format(graph=f"<{graph}>"), what=what)
            self.post_bulk(graph, data, what=what)
        else:
            self.request("PUT", url, data, {"Content-Type": NTRIPLES}, what=what)

    def post_bulk(self, graph: str, data: bytes, what: str = "") -> None:
        """Add ``data`` (N-Triples) to ``graph`` with Oxigraph's bulk loader (``POST`` with
        ``no_transaction``), which makes all of it visible at once when it commits."""
        self._prime()
        url = self.target.graph_url(self.profile.gsp_path, graph)
        self.request("POST", url + "&no_transaction", data, {"Content-Type": NTRIPLES},
                     what=what or f"the upload of <{graph}>")

    def get_graph(self, graph: str) -> bytes:
        self._prime()
        return self.request("GET", self.target.graph_url(self.profile.read_path, graph),
                            headers={"Accept": NTRIPLES}, what=f"reading <{graph}> back")

    def update(self, text: str, what: str, retry: bool = False) -> None:
        """Send one SPARQL Update request. With ``retry``, an answer saying the store rolled
        it back (the profile's ``rolled_back``: a deadlock) is followed by up to
        :data:`RETRIES` more tries, a little later each: for requests that are one
        transaction, so that a rolled-back try changed nothing."""
        self._prime()
        body = urllib.parse.urlencode({"update": text}).encode()
        marker = self.profile.rolled_back
        for attempt in range(RETRIES + 1):
            try:
                self.request("POST", self.target.url(self.profile.update_path), body,
                             {"Content-Type": "application/x-www-form-urlencoded; "
                                              "charset=utf-8"}, what=what)
                return
            except EndpointError as exc:
                if not (retry and marker and marker in str(exc)) or attempt == RETRIES:
                    raise
                time.sleep(min(0.5 * (attempt + 1), 3.0))

    def count(self, graph: str, what: str = "") -> int:
        """The number of triples in ``graph``, by a SPARQL query."""
        import pyoxigraph as ox

        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        body = urllib.parse.urlencode({"query": query}).encode()
        data = self.request("POST", self.target.url(self.profile.query_path), body,
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": "application/sparql-results+json"},
                            what=what or f"counting <{graph}>", auth=False)
        try:
            rows = list(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
            return int(rows[0]["n"].value)
        except (SyntaxError, ValueError, IndexError, TypeError) as exc:
            raise EndpointError(f"{self.target.origin} did not answer the count of <{graph}> "
                                f"with SPARQL results: {exc}") from None
