"""`samizdat security_headers > /etc/nginx/samizdat-headers.conf`: the headers the app sends
(HSTS, Content-Security-Policy, ...), as nginx lines for the files nginx serves itself
(docs/deploy.md). Run it again after changing SITE_URL, the HSTS or payment settings."""

from django.core.management.base import BaseCommand

from samizdat.publishing.serving import nginx_headers


class Command(BaseCommand):
    help = "Print nginx add_header lines with the security headers of the current settings."

    def handle(self, *args, **options):
        self.stdout.write(nginx_headers(), ending="")
