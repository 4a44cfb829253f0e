from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.research.catalogue import CatalogueError
from apps.research.services import venue_catalogue_import_files


def _files(paths: list[Path]) -> list[tuple[str, str]]:
    """Each path's (name, text); a directory stands for its *.yml and *.yaml files (the
    per-conference layout of the community's repository)."""
    files: list[tuple[str, str]] = []
    for path in paths:
        members = (
            sorted(p for p in path.iterdir() if p.suffix in {".yml", ".yaml"})
            if path.is_dir()
            else [path]
        )
        if path.is_dir() and not members:
            raise CommandError(f"{path} holds no .yml or .yaml files.")
        for member in members:
            try:
                text = member.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {member}: {exc}") from exc
            files.append((member.name if len(paths) > 1 or path.is_dir() else "", text))
    return files


class Command(BaseCommand):
    help = (
        "Import or update the venue catalogue from conference-deadline YAML files "
        "(title, year, deadlines[{type, label, date, timezone}], link, tags), or from "
        "directories of per-conference files. Every valid entry is imported and each "
        "rejected one is listed with its reasons; --strict imports nothing unless every "
        "entry is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="YAML files or directories")
        parser.add_argument(
            "--strict", action="store_true", help="Import nothing if any entry is rejected."
        )

    def handle(self, *args: object, **options: object) -> None:
        paths = options["paths"]
        assert isinstance(paths, list)
        try:
            result = venue_catalogue_import_files(
                files=_files(paths), strict=bool(options["strict"])
            )
        except CatalogueError as exc:
            lines = "\n".join(f"  - {e}" for e in exc.errors)
            raise CommandError(f"Nothing imported:\n{lines}") from exc
        style = self.style.WARNING if result.rejected or result.unreadable else self.style.SUCCESS
        self.stdout.write(style(result.summary()))
        for rejection in result.unreadable + result.rejected:
            self.stdout.write(f"  rejected {rejection.entry}:")
            for reason in rejection.reasons:
                self.stdout.write(f"    - {reason}")
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
