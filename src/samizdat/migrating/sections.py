"""Which of the old site's categories become sections; every other category becomes a tag.

Given as `--sections news=News,opinion=Opinion` or as a file with one `category = Section` a line
(# starts a comment). A category is named by its slug or its name, in any case. `*` names the
section of posts none of whose categories is mapped; without it they go to "Archive".
"""

from pathlib import Path

DEFAULT_SECTION = "Archive"


class BadMapping(Exception):
    """The --sections value can't be read; the message says which part, for the person who wrote it."""


class SectionMapping:
    def __init__(self, pairs=None, default=DEFAULT_SECTION):
        self.sections = {key.casefold(): value for key, value in (pairs or {}).items()}
        self.default = default

    @classmethod
    def parse(cls, value):
        if not value:
            return cls()
        path = Path(value).expanduser()
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise BadMapping(f"{path} can't be read as UTF-8 text ({error})") from None
            where = str(path)
        else:
            lines, where = value.split(","), "--sections"
        pairs, default = {}, DEFAULT_SECTION
        for number, line in enumerate(lines, start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            category, separator, section = line.partition("=")
            category, section = category.strip(), section.strip()
            if not separator or not category or not section:
                raise BadMapping(f"{where}, entry {number}: write it as category = Section, not {line!r}")
            if category == "*":
                default = section
            else:
                pairs[category] = section
        return cls(pairs, default)

    def section_for(self, terms):
        """(the section of a post with these category Terms, the categories left over as tags)."""
        section, rest = None, []
        for term in terms:
            mapped = self.sections.get(term.slug.casefold()) or self.sections.get(term.name.casefold())
            if mapped and section is None:
                section = mapped
            elif not mapped:
                rest.append(term)
        return section or self.default, rest

    def maps(self, term):
        return self.sections.get(term.slug.casefold()) or self.sections.get(term.name.casefold())
