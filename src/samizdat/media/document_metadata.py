"""What a PDF or Office file says about who made it, and with what.

Word, LibreOffice and PDF printers write the author's name, the last editor, the organisation
and the program into the file. A newsroom may publish a leaked or sensitive document whose
metadata names a source; staff are warned so they can remove it before it goes out. Documents
are only read, never changed: a document may be evidence, and rewriting it is the journalist's call.
"""

import zipfile
from dataclasses import dataclass

import pypdf
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext_lazy as _
from pypdf.errors import PyPdfError

AUTHOR = _("its author")
LAST_EDITOR = _("who last changed it")
ORGANISATION = _("an organisation")
PROGRAM = _("the program that made it")
PLACE = _("a place")

# OOXML (docx, xlsx, pptx) and OpenDocument (odt, ods) keep it in small XML files in the zip.
NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}
OFFICE_FIELDS = {
    "docProps/core.xml": [("dc:creator", AUTHOR), ("cp:lastModifiedBy", LAST_EDITOR)],
    "docProps/app.xml": [("ep:Company", ORGANISATION), ("ep:Manager", ORGANISATION), ("ep:Application", PROGRAM)],
    "meta.xml": [
        ("office:meta/meta:initial-creator", AUTHOR),
        ("office:meta/dc:creator", LAST_EDITOR),
        ("office:meta/meta:generator", PROGRAM),
    ],
}
MAX_XML_BYTES = 1024 * 1024  # metadata is a few kilobytes; more is not worth reading
KINDS = {
    "pdf": _("This PDF"),
    "docx": _("This Word document"),
    "xlsx": _("This spreadsheet"),
    "odt": _("This document"),
}


@dataclass(frozen=True)
class Detail:
    what: str  # AUTHOR, PROGRAM, ...
    value: str


def identifying_details(file, extension):
    """The details `file` (open, binary) gives about people, places and programs; [] if none or unreadable."""
    try:
        if extension == "pdf":
            return pdf_details(file)
        if extension in ("docx", "xlsx", "odt"):
            return office_details(file)
    except (PyPdfError, zipfile.BadZipFile, DefusedXmlException, ElementTree.ParseError, OSError, ValueError, KeyError):
        return []
    return []


def pdf_details(file):
    reader = pypdf.PdfReader(file)
    details = []
    info = reader.metadata or {}
    for key, what in [("/Author", AUTHOR), ("/Creator", PROGRAM), ("/Producer", PROGRAM), ("/Company", ORGANISATION)]:
        if value := str(info.get(key) or "").strip():
            details.append(Detail(what, value))
    xmp = reader.xmp_metadata
    if xmp is not None:
        details += [Detail(AUTHOR, name) for name in xmp.dc_creator or []]
        if xmp.xmp_creator_tool:
            details.append(Detail(PROGRAM, xmp.xmp_creator_tool))
        raw = xmp.stream.get_data()
        if b"GPSLatitude" in raw or b"GPSLongitude" in raw:
            details.append(Detail(PLACE, "GPS"))
    return unique(details)


def office_details(file):
    details = []
    with zipfile.ZipFile(file) as archive:
        names = set(archive.namelist())
        for member, fields in OFFICE_FIELDS.items():
            if member not in names or archive.getinfo(member).file_size > MAX_XML_BYTES:
                continue
            root = ElementTree.fromstring(archive.read(member))
            for path, what in fields:
                for element in root.findall(path if "/" in path else f".//{path}", NAMESPACES):
                    if value := (element.text or "").strip():
                        details.append(Detail(what, value))
    return unique(details)


def unique(details):
    return list(dict.fromkeys(details))
