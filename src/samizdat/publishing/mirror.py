"""Mirrors: a self-contained copy of the public site for another domain, an onion service, a USB stick.

`build_mirror` copies the published files, makes links between pages relative (so the copy works
from any address, `file://` included), names the mirror's own address wherever a full one is needed
(feeds, sitemaps, OpenGraph, structured data), keeps only canonical links on the main site, copies
the pictures and styles the pages use, and writes MANIFEST.sha256 (the format `sha256sum -c` reads).
`verify_mirror` checks a copy against it.

A mirror is for readers who can't reach the main site: nothing in it may send them there. Its
forms, which need the app, post to `--api-origin` when one is given and are switched off otherwise.

A mirror holds every edition (language), or the ones asked for (`--edition ru`). Pages keep the
addresses they have on the main site (/ru/...), so a link moves from one mirror to another by its
host alone; a mirror without the default edition gets a front door at its root that leads to its
edition. Links to an edition the mirror doesn't hold are dropped: the words stay, not the link.
"""

import hashlib
import html
import os
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext as _

from samizdat.core.content_security import meta_policy
from samizdat.core.links import published_address
from samizdat.core.private_media import is_private_media

from . import output

MANIFEST = "MANIFEST.sha256"
TAG = re.compile(r"<[a-zA-Z][^>]*>")
LINK_ATTRIBUTE = re.compile(r"""(\s(?:href|src|action|poster)=)(["'])(.*?)\2""", re.S)
SRCSET = re.compile(r"""(\ssrcset=)(["'])(.*?)\2""", re.S)
CONTENT_ATTRIBUTE = re.compile(r"""(\scontent=)(["'])(.*?)\2""", re.S)
ACTION_ATTRIBUTE = re.compile(r"""\saction=(["']).*?\1""", re.S)
# Search engines are told the mirror is a copy: the one link that names the main site.
CANONICAL = re.compile(r"""\srel=["']canonical["']""")
# Link previews (OpenGraph, Twitter cards) want a full address; on a mirror, the mirror's.
PREVIEW_META = re.compile(r"""\s(?:property=["']og:|name=["']twitter:)""")
STRUCTURED_DATA = re.compile(
    r"""(<script\b[^>]*type=["']application/ld\+json["'][^>]*>)(.*?)(</script>)""", re.S | re.I
)
FORM = re.compile(r"(<form\b[^>]*>)(.*?)(</form>)", re.S | re.I)
HREF_ATTRIBUTE = re.compile(r"""\shref=(["'])(.*?)\1""", re.S)
# In sitemaps: the alternates of a page in other editions; in robots.txt: each edition's sitemaps.
ALTERNATE_LINK = re.compile(r"""<xhtml:link\b[^>]*?\shref=(["'])(.*?)\1[^>]*>""", re.S)
SITEMAP_LINE = re.compile(r"^Sitemap:[ \t]*(\S+)[ \t]*\n?", re.M | re.I)
DISALLOW_LINE = re.compile(r"^Disallow:[ \t]*(/\S*)[ \t]*\n?", re.M | re.I)
# Files every edition's mirror needs, whichever editions it holds.
SHARED_FILES = {"robots.txt"}
CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
ASSET_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)


class MirrorError(Exception):
    pass


@dataclass
class MirrorReport:
    pages: int = 0
    assets: int = 0
    missing_assets: list = field(default_factory=list)


def editions():
    """{language code: the address prefix of its pages}: "/" for LANGUAGE_CODE, "/ru/" for Russian."""
    return {code: "/" if code == settings.LANGUAGE_CODE else f"/{code}/" for code, _name in settings.LANGUAGES}


def edition_of(path):
    """The language whose edition the published path belongs to."""
    found = editions()
    for code, prefix in found.items():
        if prefix != "/" and path.startswith(prefix):
            return code
    return settings.LANGUAGE_CODE


def build_mirror(folder, base_url, api_origin=None, languages=None):
    """Write the mirror into `folder`: of every edition, or of those `languages` name."""
    known = editions()
    languages = list(known) if languages is None else list(languages)
    unknown = [code for code in languages if code not in known]
    if unknown or not languages:
        raise MirrorError(f"No edition {', '.join(unknown) or '(none given)'}: the editions are {', '.join(known)}.")
    source = output.public_dir()
    if not source.is_dir() or not any(source.iterdir()):
        raise MirrorError("Nothing is published yet: run `samizdat publish --all` first.")
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / MANIFEST).exists():
        raise MirrorError(f"{folder} is not empty and is not a mirror: choose an empty folder.")
    mirror = Mirror(base_url.rstrip("/"), (api_origin or "").rstrip("/"), languages)
    temporary = folder.with_name(f".{folder.name}.building")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    report = MirrorReport()
    assets = set()
    source = source.resolve()
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".br") or path.name.startswith("."):
            continue
        relative = path.relative_to(source).as_posix()
        if not mirror.holds("/" + relative) and relative not in SHARED_FILES:
            continue
        content = path.read_bytes()
        if path.suffix == ".html":
            with translation.override(edition_of("/" + relative)):  # the note on forms, in the page's language
                text, used = mirror.page(content.decode("utf-8"), relative)
            content = text.encode("utf-8")
            assets |= used
        elif path.suffix in (".xml", ".txt"):
            content = mirror.document(content.decode("utf-8")).encode("utf-8")
        output.write(temporary, "/" + relative, content)
        report.pages += 1
    if settings.LANGUAGE_CODE not in languages:
        output.write(temporary, "/index.html", front_door(languages).encode("utf-8"))
        report.pages += 1
    for asset in sorted(assets):
        found = find_asset(asset)
        if found is None:
            report.missing_assets.append(asset)
            continue
        destination = temporary / unquote(asset).lstrip("/")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(found, destination)
        report.assets += 1
    write_manifest(temporary)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(temporary, folder)
    return report


def front_door(languages):
    """The root page of a mirror without the default edition: a link to each edition it holds,
    named in its own language, and straight on to the first."""
    names = dict(settings.LANGUAGES)
    targets = [(code, editions()[code].lstrip("/") + "index.html") for code in languages]
    links = "".join(f'<li><a href="{target}" lang="{code}">{html.escape(names[code])}</a></li>' for code, target in targets)
    return (
        f'<!doctype html>\n<html lang="{languages[0]}"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={targets[0][1]}">'
        f'<title>{html.escape(names[languages[0]])}</title></head><body><ul>{links}</ul></body></html>\n'
    )


class Mirror:
    def __init__(self, base_url, api_origin, languages=None):
        self.base_url = base_url
        self.api_origin = api_origin
        self.languages = set(languages or editions())
        # The address the files name: the one they were published with, whatever this process says.
        self.site = (published_address() or settings.SITE_URL).rstrip("/")
        # The mirror's host sends its own headers, if any: the pages carry the readers' policy
        # themselves, with the app's address allowed for the forms that post there.
        api = {"form-action": [api_origin], "connect-src": [api_origin]} if api_origin else {}
        self.policy_tag = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(meta_policy(api))}">'

    def page(self, text, relative):
        """Links relative to the page, full addresses on the mirror, forms where they can work;
        the canonical link alone left on the main site."""
        here = posixpath.dirname("/" + relative)
        used = set()

        def rewrite_tag(match):
            tag = match.group(0)
            if CANONICAL.search(tag):
                return tag
            if not self._links_within(tag):
                # A link to an edition the mirror doesn't hold: a <link> goes, an <a> keeps its words.
                return "" if tag[:5].lower() == "<link" else HREF_ATTRIBUTE.sub("", tag, count=1)
            if PREVIEW_META.search(tag):
                return CONTENT_ATTRIBUTE.sub(lambda m: f"{m[1]}{m[2]}{self.on_mirror(m[3])}{m[2]}", tag)
            is_form = tag[:5].lower() == "<form"
            if is_form and not self.api_origin:
                tag = ACTION_ATTRIBUTE.sub("", tag)
            tag = LINK_ATTRIBUTE.sub(lambda m: self._attribute(m, here, used, is_form), tag)
            return SRCSET.sub(lambda m: self._srcset(m, here, used), tag)

        text = CHARSET.sub(lambda m: m.group(0) + self.policy_tag, text, count=1)
        text = TAG.sub(rewrite_tag, text)
        text = STRUCTURED_DATA.sub(lambda m: m.group(1) + self.on_mirror(m.group(2)) + m.group(3), text)
        if not self.api_origin:
            text = FORM.sub(self._switched_off, text)
        return text, used

    def document(self, text):
        """Feeds, sitemaps, robots.txt: the same addresses on the mirror's host, without the
        alternates, sitemaps and robots rules of editions it doesn't hold."""
        text = ALTERNATE_LINK.sub(lambda m: m.group(0) if self._held(m.group(2)) else "", text)
        text = SITEMAP_LINE.sub(lambda m: m.group(0) if self._held(m.group(1)) else "", text)
        text = DISALLOW_LINE.sub(lambda m: m.group(0) if self.holds(m.group(1)) else "", text)
        return self.on_mirror(text)

    def holds(self, path):
        """Whether the mirror has the edition of this path on the site."""
        return edition_of(path) in self.languages

    def _held(self, value):
        """False for an address of a page in an edition the mirror doesn't hold; True otherwise
        (another site, an asset, a fragment)."""
        path = self._site_path(html.unescape(value))
        if path is None:
            return True
        target = urlsplit(path).path
        return target.startswith(ASSET_PREFIXES) or self.holds(target)

    def _links_within(self, tag):
        found = HREF_ATTRIBUTE.search(tag)
        return found is None or self._held(found.group(2))

    def on_mirror(self, text):
        """Full addresses on the main site made the same addresses on the mirror, as written and
        as escaped in HTML."""
        return text.replace(self.site + "/", self.base_url + "/").replace(
            html.escape(self.site) + "/", html.escape(self.base_url) + "/"
        )

    def _switched_off(self, match):
        """A form that needs the app, on a mirror without one: shown, but it can't be sent, and says
        why, without a link to the address that is blocked for this reader."""
        note = html.escape(_("This is a mirror of the site: this form works only on the newsroom's own site."))
        return (
            f'{match.group(1)}<fieldset class="mirror-off" disabled>{match.group(2)}</fieldset>'
            f'<p class="mirror-note">{note}</p>{match.group(3)}'
        )

    def _attribute(self, match, here, used, is_form):
        name, quote, value = match.groups()
        if is_form and name.strip().startswith("action"):
            path = self._site_path(html.unescape(value))
            return f"{name}{quote}{html.escape(self.api_origin + path) if path is not None else value}{quote}"
        return f"{name}{quote}{self._relative(value, here, used)}{quote}"

    def _srcset(self, match, here, used):
        name, quote, value = match.groups()
        parts = []
        for candidate in value.split(","):
            bits = candidate.strip().split(None, 1)
            if bits:
                bits[0] = self._relative(bits[0], here, used)
                parts.append(" ".join(bits))
        return f"{name}{quote}{', '.join(parts)}{quote}"

    def _site_path(self, value):
        if value.startswith(self.site + "/"):
            return value[len(self.site) :]
        if value.startswith("/") and not value.startswith("//"):
            return value
        return None

    def _relative(self, value, here, used):
        raw = html.unescape(value)
        path = self._site_path(raw)
        if path is None:
            return value  # another site, a fragment, mailto:, data:
        parts = urlsplit(path)
        # A query needs the app: where it answers for the mirror, if anywhere; else the page
        # without it, within the mirror, never the main site.
        if parts.query and self.api_origin:
            return html.escape(self.api_origin + path)
        target = parts.path
        if target.startswith(ASSET_PREFIXES):
            used.add(target)
        elif target.endswith("/"):
            target += "index.html"  # file:// shows no index.html for a folder
        relative = posixpath.relpath(target, here)
        if parts.fragment:
            relative += "#" + parts.fragment
        return html.escape(relative)


def find_asset(url_path):
    path = unquote(url_path)
    if path.startswith(settings.MEDIA_URL):
        if is_private_media(path[len(settings.MEDIA_URL) :]):
            return None  # a document may be restricted: mirrors copy only what anyone may read
        file = Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]
        inside = file.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        return file if inside and file.is_file() else None
    if path.startswith(settings.STATIC_URL):
        name = path[len(settings.STATIC_URL) :]
        collected = Path(settings.STATIC_ROOT) / name  # hashed names live only here
        if collected.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve()) and collected.is_file():
            return collected
        found = finders.find(name)
        return Path(found) if found else None
    return None


def write_manifest(folder):
    lines = [f"{sha256(path)}  {name}\n" for name, path in sorted(files_in(folder).items())]
    (Path(folder) / MANIFEST).write_text("".join(lines), encoding="utf-8")


def files_in(folder):
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): path
        for path in folder.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Verification:
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def ok(self):
        return not (self.missing or self.extra or self.changed)


def verify_mirror(folder):
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise MirrorError(f"{folder} has no {MANIFEST}: is it a mirror built by `samizdat mirror build`?")
    expected = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64:
            raise MirrorError(f"{MANIFEST} line {number} is not '<sha256>  <file>': {line[:80]!r}")
        expected[name] = digest
    present = files_in(folder)
    result = Verification()
    result.missing = sorted(name for name in expected if name not in present)
    result.extra = sorted(name for name in present if name not in expected)
    result.changed = sorted(
        name for name, digest in expected.items() if name in present and sha256(present[name]) != digest
    )
    return result
