"""`samizdat mirror build DIR --base-url URL [--edition ru]` and `samizdat mirror verify DIR`
(docs/mirrors.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator, ValidationError

from samizdat.publishing.mirror import MirrorError, build_mirror, verify_mirror


class Command(BaseCommand):
    help = "Build a self-contained mirror of the published site, or verify one against its manifest."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        build = actions.add_parser("build", help="Write a mirror of the public site into DIR.")
        build.add_argument("folder", metavar="DIR")
        build.add_argument("--base-url", required=True, help="Where the mirror is served: https://mirror.example")
        build.add_argument("--api-origin", help="Where its forms should post (default: the main site).")
        build.add_argument(
            "--edition", action="append", metavar="LANGUAGE",
            help="An edition to mirror, by its language code (ru, en-gb), or 'all' (the default). May be repeated.",
        )
        verify = actions.add_parser("verify", help="Check DIR against its MANIFEST.sha256.")
        verify.add_argument("folder", metavar="DIR")

    def handle(self, *args, action, folder, **options):
        try:
            if action == "build":
                self.build(folder, options["base_url"], options.get("api_origin"), options.get("edition"))
            else:
                self.verify(folder)
        except MirrorError as error:
            raise CommandError(str(error)) from None

    def build(self, folder, base_url, api_origin, languages=None):
        for name, value in (("--base-url", base_url), ("--api-origin", api_origin)):
            if value is None:
                continue
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                if not (name == "--base-url" and value.startswith("file://")):
                    raise CommandError(f"{name} must be an http(s) address such as https://mirror.example") from None
        if not languages or "all" in languages:
            languages = None
        report = build_mirror(folder, base_url, api_origin, languages)
        self.stdout.write(f"Mirror written to {folder}: {report.pages} pages, {report.assets} pictures and styles")
        for asset in report.missing_assets:
            self.stderr.write(f"missing: {asset} (not in MEDIA_ROOT or the static files)")

    def verify(self, folder):
        result = verify_mirror(folder)
        for kind in ("missing", "extra", "changed"):
            for name in getattr(result, kind):
                self.stdout.write(f"{kind}: {name}")
        if not result.ok:
            raise CommandError(
                f"{folder} does not match its manifest: {len(result.missing)} missing, "
                f"{len(result.extra)} extra, {len(result.changed)} changed"
            )
        self.stdout.write(f"{folder} matches its manifest")
