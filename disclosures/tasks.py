"""Background work: what the log must do by itself, in one worker beside the web server.

Each task is a function queued in the database (Django's tasks framework, backported by
django-tasks, with its database backend) and run by ``manage.py run_worker``, which
``python3 dev.py run`` starts and a deployment runs as a service (docs/deploy.md). The
worker also queues the tasks of ``SCHEDULE`` when they are due, so nothing depends on a
cron job someone must remember to install. Every task is safe to run twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from alerts import sending
from alerts.models import Subscriber

# Finished tasks' records are kept this long, for staff to see what ran, then deleted.
KEEP_RESULTS = datetime.timedelta(days=7)


@task()
def count_due_words() -> int:
    """Add to the "did you mean" vocabulary the words of scheduled entries that have come
    due (nothing in their rows changes then, so no trigger counts them); how many."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT disclosures_count_due_words()")
        return cursor.fetchone()[0]


@task()
def fold_public_changes() -> None:
    """Fold the notes of changes to the public log into one, so that reading its version
    for every page's validators stays a read of a few rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT disclosures_fold_public_changes()")


@task()
def forget_old_task_results() -> int:
    """Delete the records of tasks that finished more than KEEP_RESULTS ago; how many."""
    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=timezone.now() - KEEP_RESULTS)
        .delete()
    )
    return deleted


@task()
def send_alerts() -> dict[str, int | bool]:
    """Send the alerts' confirmation emails and the digests that are due, a bounded
    number per run (``alerts/sending.py``); what was done."""
    return sending.send_alerts().as_dict()


@task()
def forget_unconfirmed_alerts() -> int:
    """Delete alerts not confirmed within 7 days, and addresses left without alerts;
    how many addresses."""
    return Subscriber.objects.forget_unconfirmed()


@dataclass(frozen=True)
class Scheduled:
    """A task the worker queues by itself, every ``every``."""

    task: Task
    every: datetime.timedelta


SCHEDULE = (
    # A scheduled entry's words are suggested within a minute of its time.
    Scheduled(count_due_words, datetime.timedelta(minutes=1)),
    Scheduled(fold_public_changes, datetime.timedelta(hours=1)),
    Scheduled(forget_old_task_results, datetime.timedelta(days=1)),
    # A confirmation email goes within a minute of the request; a digest within a
    # minute of being due; a failed delivery when its retry time comes.
    Scheduled(send_alerts, datetime.timedelta(minutes=1)),
    Scheduled(forget_unconfirmed_alerts, datetime.timedelta(hours=1)),
)


def queue_due(now: datetime.datetime | None = None) -> list[Task]:
    """Queue each task of SCHEDULE last queued at least its interval ago (or never) and
    not waiting or running now; the tasks queued. Reads the tasks' own records, so a
    restarted worker, or a second one, keeps the same rhythm."""
    now = now or timezone.now()
    queued = []
    for scheduled in SCHEDULE:
        records = DBTaskResult.objects.filter(task_path=scheduled.task.module_path)
        if records.filter(status__in=["READY", "RUNNING"]).exists():
            continue
        last = records.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()
        if last is None or now - last >= scheduled.every:
            scheduled.task.enqueue()
            queued.append(scheduled.task)
    return queued
