from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.research.catalogue import CatalogueError
from apps.research.services import venue_catalogue_import


class Command(BaseCommand):
    help = (
        "Import or update the venue catalogue from conference-deadline YAML "
        "(title, year, deadlines[{type, date, timezone}], link, tags). "
        "Any error aborts the whole import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Path to the YAML file")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = venue_catalogue_import(text=text)
        except CatalogueError as exc:
            lines = "\n".join(f"  - {e}" for e in exc.errors)
            raise CommandError(f"Nothing imported from {path}:\n{lines}") from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
        for skipped in result.skipped:
            self.stdout.write(f"  skipped {skipped}")
