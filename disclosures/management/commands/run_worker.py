import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from disclosures import tasks
from foilog.routers import reads_from_primary


class Command(BaseCommand):
    help = (
        "Run the log's background work: the tasks queued by the site (after an import, "
        "say) and those of its schedule (disclosures/tasks.py), as they come. Run one "
        "beside the web server; python3 dev.py run starts it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="queue what the schedule says is due, run every task waiting, then stop",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="seconds to wait for new tasks when there are none (default 2)",
        )

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=True,  # each run() takes every waiting task, then returns
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not once:
            worker.configure_signals()  # finish the task in hand on SIGTERM
        # Tasks read what they write: never from a replica that lags behind.
        with reads_from_primary():
            while worker.running:
                tasks.queue_due()
                worker.run()
                if once:
                    return
                time.sleep(interval)
