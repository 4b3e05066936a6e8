"""What in the media folder is never served as a plain file.

Documents can sit in a collection restricted to logged-in staff or behind a password; Wagtail
checks that on /documents/<id>/<name>, so that is their only address. The media view, the fast
path, mirrors and nginx all refuse /media/documents/... in any case (/media/Documents/... is the
same folder on a case-insensitive disk, as macOS and Windows format theirs) (docs/security.md,
"Photos and documents").
Images have no such restriction in Wagtail: originals and renditions stay plain files.
"""

import posixpath
from pathlib import PurePosixPath

PRIVATE_FOLDERS = {"documents"}  # Wagtail's Document.file uploads to documents/


def is_private_media(relative_path):
    """True for a path inside the media folder (as a URL names it, percent-decoded: callers get it
    from PATH_INFO or unquote it) that only Wagtail may serve; `..`, `.` and doubled slashes are
    resolved first, as the file system would, and the folder's name is compared in any case."""
    parts = PurePosixPath(posixpath.normpath("/" + str(relative_path))).parts
    return len(parts) > 1 and parts[1].casefold() in PRIVATE_FOLDERS
