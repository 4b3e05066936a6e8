"""The demo's Russian edition: a front page, sections and authors of its own, and the stories in
demo/content/ru/, written in Russian. Some are translations of English demo stories (their
`translation_of:` names the English slug) and are linked to them as Wagtail translations; the
others stand alone. Called by newsroom.load_demo() after the English edition is in."""

import re

from wagtail.models import Locale, Page

from samizdat.news.importing import import_file
from samizdat.news.importing.run import ImportReport, markdown_files
from samizdat.news.models import ArticlePage, Author, SectionPage

LANGUAGE = "ru"

DESCRIPTION = (
    "«Линденпортский курьер» — независимая редакция, которую содержат читатели. Мы пишем о городском "
    "совете, порте, судах, школах, экономике и культуре Линденпорта."
)

# English section title -> (Russian title, slug, description): each a translation of the English one.
SECTIONS = {
    "News": ("Новости", "novosti", "Мэрия, порт, суды, школы и районы Линденпорта."),
    "Opinion": ("Мнения", "mneniya", "Колонки, редакционные статьи и письма. Авторы говорят от своего имени."),
    "Business": ("Экономика", "ekonomika", "Судоходство, магазины, работа и деньги портового города."),
    "Arts & Life": ("Культура", "kultura", "Театр, музыка, книги, еда и вечерняя жизнь города."),
}

# English name -> the author in the Russian edition (their translation), as the Russian stories name them.
AUTHORS = {
    "Irina Volkova": ("Ирина Волкова", "Корреспондент в мэрии", "Ирина пишет о городском совете, жилье и коммунальных службах."),
    "Tomas Brandt": ("Томас Брандт", "Корреспондент по порту и экономике", "Томас пишет о судоходстве, верфи и бизнесе вокруг гавани."),
    "Amara Okafor": ("Амара Окафор", "Редактор отдела мнений", "Амара ведёт раздел мнений и еженедельную колонку о жизни Линденпорта."),
    "Lena Haugen": ("Лена Хауген", "Редактор отдела культуры", "Лена пишет о театре, музыке, книгах и еде."),
    "Jonas Meyer": ("Йонас Майер", "Корреспондент по судам и образованию", "Йонас пишет о районном суде, школах и университете."),
    "Pieter de Wit": ("Питер де Вит", "Главный редактор", "Питер руководит «Курьером» с тех пор, как в 2019 году он стал кооперативом читателей."),
}

TRANSLATION_OF = re.compile(r"^translation_of:[ \t]*[\"']?([-\w]+)", re.M)


def load_russian_edition(home, folder):
    """Import the Russian stories in `folder` into the Russian edition, made from `home` (the
    English front page) if missing. An ImportReport; None when the site has no Russian edition."""
    locale = Locale.objects.filter(language_code=LANGUAGE).first()
    if locale is None:
        return None
    russian_home = translation_of(home, locale)
    russian_home.description = DESCRIPTION
    russian_home.save_revision().publish()
    for section in SectionPage.objects.child_of(home):
        if section.title in SECTIONS:
            title, slug, description = SECTIONS[section.title]
            translated = translation_of(section, locale)
            translated.title, translated.slug, translated.description = title, slug, description
            translated.save_revision().publish()
    for english in Author.objects.filter(locale=home.locale, name__in=AUTHORS):
        author = translation_of(english, locale)  # same slug: /ru/authors/irina-volkova/
        author.name, author.role, author.bio = AUTHORS[english.name]
        author.save()
    report, slugs_seen = ImportReport(), {}
    for path in markdown_files(folder):
        result = import_file(path, folder, home=russian_home, slugs_seen=slugs_seen)
        report.results.append(result)
        found = TRANSLATION_OF.search(path.read_text(encoding="utf-8"))
        if result.page is not None and found:
            link_translation(result.page, ArticlePage.objects.descendant_of(home).filter(slug=found.group(1)).first())
    return report


def translation_of(original, locale):
    """The translation of a page or an author into `locale`, made from it (every field copied, as
    an editor's "Translate" does) when there is none."""
    existing = original.get_translation_or_none(locale)
    if existing is None:
        existing = original.copy_for_translation(locale)
    return existing.specific if isinstance(existing, Page) else existing


def link_translation(story, original):
    """Make a story written apart the translation of `original`: Wagtail knows translations by
    their shared translation_key (the language switcher and hreflang follow it)."""
    if original is not None:
        Page.objects.filter(pk=story.pk).update(translation_key=original.translation_key)
