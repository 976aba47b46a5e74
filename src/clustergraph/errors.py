"""The project's exceptions and the exit codes they map to: the one place that does so.

Every error a user can cause is a :class:`ClustergraphError` whose message is one line that
names the file, line or parameter at fault. The CLI prints ``clustergraph: error: <message>``
on stderr and exits with the exception's code; it never shows a traceback for these.

======  ================================================================================
 code    meaning
======  ================================================================================
 0       success (for ``validate``: no violations; warnings may be listed)
 1       validation failed: the data has at least one SHACL violation
 2       usage error: a bad option, parameter value or command line
 3       input error: a file is missing, is a directory, is not UTF-8, is empty or
         cannot be parsed (the message gives file, line and column)
 4       refused: a query, shapes file or ontology asks for the network (SERVICE, LOAD,
         FROM <url>, remote owl:imports) or tries to change data (SPARQL Update)
 5       timeout: a query ran past ``--timeout``; no partial result is printed
 6       endpoint error: a remote SPARQL endpoint could not be reached or answered an error
 7       output error: the output could not be written (the previous file is left intact),
         or a published graph read back differs from the local one
 8       authentication: a store refused the credentials (or needs some and none were set)
 10      internal error: a bug in clustergraph (this one shows a traceback)
 130     interrupted (Ctrl-C)
======  ================================================================================
"""

from __future__ import annotations

import re
from enum import IntEnum

#: ``scheme://user:password@``: the user part of a URL, never shown.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s]*@")
#: Characters a terminal would act on: C0 and C1 controls, DEL, and format characters
#: (bidirectional overrides, zero-width joiners).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean(message: object) -> str:
    """``message`` as one line that is safe to print: whitespace runs (line breaks
    included) as one space, any other control or format character escaped (``\\x1b``), the
    ``user:password@`` of any URL left out."""
    text = " ".join(str(message).split())
    text = _USERINFO.sub(r"\1", text)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ExitCode(IntEnum):
    OK = 0
    VALIDATION_FAILED = 1
    USAGE = 2
    INPUT = 3
    REFUSED = 4
    TIMEOUT = 5
    ENDPOINT = 6
    OUTPUT = 7
    AUTH = 8
    INTERNAL = 10
    INTERRUPTED = 130


class ClustergraphError(Exception):
    """Base class of the errors a user can cause; carries its exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        # One line, always: a curator reads it in a terminal or a CI log.
        super().__init__(clean(message))

    @property
    def message(self) -> str:
        return str(self)


class UsageError(ClustergraphError):
    """A bad option or parameter value (names the parameter)."""

    exit_code = ExitCode.USAGE


class InputError(ClustergraphError):
    """An input file that cannot be read or parsed (names file, line and column)."""

    exit_code = ExitCode.INPUT


class RefusedError(ClustergraphError):
    """A request for network access or for a data change, refused before it runs."""

    exit_code = ExitCode.REFUSED


class QueryTimeout(ClustergraphError):
    """A query that ran past its time limit."""

    exit_code = ExitCode.TIMEOUT


class EndpointError(ClustergraphError):
    """A remote SPARQL endpoint that could not be reached or that answered an error."""

    exit_code = ExitCode.ENDPOINT


class OutputError(ClustergraphError):
    """An output file that could not be written."""

    exit_code = ExitCode.OUTPUT
