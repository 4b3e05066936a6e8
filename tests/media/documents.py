"""A newsroom's documents: one in a collection only logged-in staff may open, one public."""

import os

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

SECRET = b"%PDF-1.4\n% the source's name is in here\n"
PUBLIC = b"%PDF-1.4\n% the city budget\n"


def restricted_and_public_documents():
    legal = Collection.get_first_root_node().add_child(name="Legal")
    CollectionViewRestriction.objects.create(collection=legal, restriction_type=CollectionViewRestriction.LOGIN)
    secret = Document.objects.create(title="Court filing", collection=legal, file=ContentFile(SECRET, name="court-filing.pdf"))
    public = Document.objects.create(title="Budget", file=ContentFile(PUBLIC, name="budget.pdf"))
    # As on a case-insensitive disk (macOS, Windows): Documents/ is the same folder as documents/.
    os.symlink("documents", os.path.join(settings.MEDIA_ROOT, "Documents"))
    return secret, public


def media_addresses(document):
    """Every way a reader might ask the media folder for it directly."""
    name = document.file.name  # documents/court-filing.pdf
    return [f"/media/{name}", f"/media//{name}", f"/media/images/../{name}", f"/media/./{name}",
            "/media/%64ocuments/" + name.split("/", 1)[1], "/media/Documents/" + name.split("/", 1)[1],
            "/media/DOCUMENTS/" + name.split("/", 1)[1], "/media/%44ocuments/" + name.split("/", 1)[1]]
