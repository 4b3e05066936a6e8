"""`samizdat load_demo`: load The Lindenport Courier, once (`make run` calls it every time)."""

from django.core.management.base import BaseCommand, CommandError

from samizdat.demo.newsroom import DemoContentError, load_demo


class Command(BaseCommand):
    help = "Load the demo newsroom (articles, sections, authors, pages, demo users) unless already loaded."

    def handle(self, *args, **options):
        try:
            load_demo(write=self.stdout.write)
        except DemoContentError as error:
            raise CommandError(str(error)) from None
