"""Static files under hashed names need collecting before any page can name them."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command


def ensure_static_collected():
    """Run collectstatic once, if the manifest of hashed names is missing: without it every page
    that links its stylesheet would be an error."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return
    if not (Path(settings.STATIC_ROOT) / staticfiles_storage.manifest_name).exists():
        call_command("collectstatic", interactive=False, verbosity=0)
        # The storage read its (then missing) manifest when it was made; read the new one.
        staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = staticfiles_storage.load_manifest()
