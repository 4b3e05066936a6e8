import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are configured by the line above)

if settings.PUBLISHING_ENABLED and settings.SERVE_PUBLIC_FILES:
    from samizdat.publishing.serving import StaticFirst

    application = StaticFirst(application)
