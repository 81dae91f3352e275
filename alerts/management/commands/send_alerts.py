from django.core.management.base import BaseCommand, CommandError

from alerts import sending
from foilog.routers import reads_from_primary


class Command(BaseCommand):
    help = (
        "Send the alerts' confirmation emails and the digests that are due, as the "
        "background worker does every minute (alerts/sending.py)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help=(
                "send the digest of every confirmed alert that has something new now, "
                "without waiting for its day or week"
            ),
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=sending.MAX_EMAILS_PER_RUN,
            help=f"emails to send at most (default {sending.MAX_EMAILS_PER_RUN})",
        )

    def handle(self, *args, now: bool, limit: int, **options) -> None:
        if limit < 1:
            raise CommandError("--limit must be 1 or more.")
        with reads_from_primary():
            report = sending.send_alerts(everything_now=now, limit=limit)
        self.stdout.write(
            f"{report.confirmations} confirmation email(s) and {report.digests} digest(s) "
            f"sent; {report.nothing_new} address(es) had nothing new; "
            f"{report.failed} delivery(ies) failed, to be tried again later."
        )
        if report.more_waiting:
            self.stdout.write("More is waiting: it goes in the next run.")
        if not now and not report.sent:
            self.stdout.write(
                "Digests go out once a day or once a week for each alert; --now sends "
                f"them at once. Disclosures published in the last {sending.SETTLE.seconds} "
                "seconds wait for the next run."
            )
