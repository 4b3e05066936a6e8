"""Staff who upload or edit a document whose metadata names people are warned in the admin.

Every way the admin saves a document (the upload form, the multiple uploader, the edit form)
ends in Document.save(); a `post_save` receiver notes the document for the request under way,
and this middleware turns the notes into one Wagtail message each once the view has answered.
"""

import os
from contextvars import ContextVar

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.admin import messages

from .document_metadata import KINDS, identifying_details

saved_documents = ContextVar("saved_documents", default=None)


def note_saved_document(sender, instance, raw=False, **kwargs):
    noted = saved_documents.get()
    if noted is not None and not raw:
        noted.append(instance)


def extension_of(document):
    return os.path.splitext(document.file.name)[1].lower().lstrip(".")


def what_it_names(document):
    """"its author (Jane Doe), the program that made it (Word)", or "" when the file names nothing."""
    extension = extension_of(document)
    if extension not in KINDS:
        return ""
    try:
        with document.file.open("rb") as handle:
            details = identifying_details(handle, extension)
    except OSError:
        return ""
    grouped = {}
    for detail in details:
        grouped.setdefault(str(detail.what), []).append(Truncator(detail.value).chars(80))
    return ", ".join(f"{what} ({', '.join(values)})" for what, values in grouped.items())


def warning_for(document):
    """The message for a journalist, or None when the file names nobody."""
    named = what_it_names(document)
    if not named:
        return None
    return _(
        "%(document)s names %(details)s. Remove it before publishing if that could put someone at risk."
    ) % {"document": KINDS[extension_of(document)], "details": named}


class DocumentMetadataWarningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = saved_documents.set([])
        try:
            response = self.get_response(request)
            for document in dict.fromkeys(saved_documents.get()):
                if message := warning_for(document):
                    messages.warning(request, message)
            return response
        finally:
            saved_documents.reset(token)
