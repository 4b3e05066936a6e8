from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from samizdat.core.private_media import is_private_media
from samizdat.news import urls as news_urls
from samizdat.newsletter import urls as newsletter_urls
from samizdat.publishing import views as publishing_views
from samizdat.staff.views import ThrottledPasswordResetView

urlpatterns = [
    # Before Wagtail's own: the reset form, with at most STAFF_PASSWORD_RESETS_PER_HOUR emails.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("mirrors/", publishing_views.mirrors, name="mirrors"),
    # Bounce and complaint webhooks of email services, e.g. /newsletter/webhooks/postmark/tracking/
    path("newsletter/webhooks/", include("samizdat.newsletter.webhooks")),
]


def media(request, path):
    if is_private_media(path):  # documents: only through /documents/<id>/<name>, which checks privacy
        raise Http404
    # MEDIA_ROOT read per request, not when this module is imported: tests and mirrors change it.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media)]

# What readers read, once per edition: the default language's unprefixed, the others under their
# prefix (/ru/). An unprefixed address is always LANGUAGE_CODE's, never the browser's choice.
urlpatterns += i18n_patterns(
    path("support/", include("samizdat.support.urls")),
    path("newsletter/", include(newsletter_urls)),
    path("", include(news_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
