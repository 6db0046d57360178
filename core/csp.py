"""Content-Security-Policy exceptions, each for a named reason."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update

# Swagger UI and Redoc (our own copies, from drf-spectacular-sidecar) style themselves with
# inline <style> elements injected at run time; scripts stay limited to our own files.
docs_view = csp_update({"style-src": [UNSAFE_INLINE]})
