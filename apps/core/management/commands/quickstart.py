from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, load the demo data and serve Pacer at http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo")
        if not options["no_serve"]:
            call_command("runserver", options["addrport"], use_reloader=False)
