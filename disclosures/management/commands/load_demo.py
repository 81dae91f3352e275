from django.core.management import call_command
from django.core.management.base import BaseCommand

from disclosures.models import Disclosure

DEMO_FIXTURE = "demo"  # fixtures/demo.json, found through FIXTURE_DIRS


class Command(BaseCommand):
    help = "Load the demo disclosure log into an empty database (does nothing otherwise)."

    def handle(self, *args, **options) -> None:
        if Disclosure.objects.exists():
            self.stdout.write("The log already holds disclosures: demo data not loaded.")
            return
        call_command("loaddata", DEMO_FIXTURE, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {Disclosure.objects.count()} demo disclosures.")
        )
