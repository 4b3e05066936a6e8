"""The Content-Security-Policy: one for readers' pages, one for the admin, built from settings.

The same reader policy goes out on every answer: from Django (ContentSecurityPolicyMiddleware,
django-csp), from the fast path and from nginx (publishing/serving.py `security_headers()`), and
in a mirror's pages. Published files are the same bytes for everyone, so there are no nonces:
scripts are files on the site, never inline.

Apps add the places readers' browsers must reach beyond the site through `add_sources` in their
AppConfig.ready (support: the payment page a donate form redirects to), so core names no app.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings

HEADER = "Content-Security-Policy"
# Wagtail's admin lives here (samizdat/urls.py); it gets ADMIN's policy.
ADMIN_PREFIX = "/admin/"
# A <meta> policy may not carry these (browsers ignore them there and say so in the console).
NOT_IN_META = ("frame-ancestors", "report-uri", "sandbox")

_source_functions = []


def add_sources(function):
    """Register fn() -> {directive: [source, ...]}, asked each time a policy is built."""
    _source_functions.append(function)
    return function


def frame_ancestors():
    """The same rule as X-Frame-Options, for browsers that read only one of the two."""
    return [NONE] if settings.X_FRAME_OPTIONS.upper() == "DENY" else [SELF]


def reader_directives(extra=None):
    """The policy of every public page: only the site itself, nothing inline."""
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the small inline pictures of CSS and SVG icons; no other host, ever.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": frame_ancestors(),
        "base-uri": [SELF],
        "object-src": [NONE],
    }
    for function in _source_functions:
        _merge(directives, function())
    _merge(directives, extra or {})
    return directives


def admin_directives():
    """Wagtail's admin writes style attributes and inline scripts of its own, shows uploads as
    blob: and data: pictures before they are saved, and frames its previews."""
    return {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "form-action": [SELF],
        # Its previews frame its own pages, whatever X_FRAME_OPTIONS says for readers' pages.
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }


def header_value(directives):
    """The header's text, written by django-csp as for its own answers."""
    return build_policy(config=directives)


def reader_policy(extra=None):
    return header_value(reader_directives(extra))


def meta_policy(extra=None):
    """The reader policy for a <meta http-equiv> tag, where the host of the files sends none."""
    directives = {key: value for key, value in reader_directives(extra).items() if key not in NOT_IN_META}
    return header_value(directives)


def _merge(directives, more):
    for directive, sources in more.items():
        known = directives.setdefault(directive, [])
        known.extend(source for source in sources if source not in known)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy under ADMIN_PREFIX and the readers' elsewhere."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if request.path_info.startswith(ADMIN_PREFIX):
            directives = admin_directives()
        elif getattr(request, "is_dummy", False):
            # Wagtail's preview runs the middleware again on a stand-in request for the page's
            # public address, and the admin shows the answer in a frame of its own.
            directives = reader_directives()
            directives["frame-ancestors"] = [SELF]
        else:
            directives = reader_directives()
        return PolicyParts(config=parts.config or directives, update=parts.update, replace=parts.replace, nonce=parts.nonce)
