"""Host formats, by name. A new host is one module here plus one entry below."""

from __future__ import annotations

from .base import Host, HostOutput
from .redirects import RedirectsFile

HOSTS: dict[str, Host] = {h.name: h for h in (RedirectsFile(),)}

__all__ = ["HOSTS", "Host", "HostOutput"]
