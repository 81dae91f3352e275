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
from django_tasks.base import Task, TaskResult
from django_tasks_db.models import DBTaskResult

from alerts import sending
from alerts.models import Subscriber
from disclosures import bitmaps, counting, exports, freshness
from disclosures.models import FacetSnapshot, SnapshotChange, WholeLogFile

# Finished tasks' records are kept this long, for staff to see what ran, then deleted.
KEEP_RESULTS = datetime.timedelta(days=7)


# A fresh snapshot is taken once this many entries have changed since the last: counting
# them over their rows at each search costs more with each, and past
# ``counting.MAX_CHANGES`` searches stop reading the snapshot at all.
REFRESH_AFTER_CHANGES = counting.MAX_CHANGES // 2


@task()
def refresh_search_data() -> int | None:
    """Bring the search data up to date (``bitmaps.refresh``): a delta of the last full
    snapshot, holding the entries changed since, while they are few, else a full
    snapshot of the public log. The number of entries numbered, or None for a log too
    small to need a snapshot. Queued at the end of every import, and by
    ``keep_search_data_current``."""
    snapshot = bitmaps.refresh()
    return snapshot.size if snapshot is not None else None


@task()
def merge_search_data() -> int | None:
    """Take a full snapshot when the search data is a delta of one (see
    ``refresh_search_data``): the words and phrases that became common since the full
    snapshot get bits of their own again. The number of entries numbered, or None when
    nothing was needed."""
    if not FacetSnapshot.objects.filter(base__isnull=False).exists():
        return None
    snapshot = bitmaps.take_snapshot()
    return snapshot.size if snapshot is not None else None


def worker_is_running() -> bool:
    """Whether a worker has been at work lately: it runs the scheduled tasks every minute
    (see SCHEDULE), so one that finished a task in the last two minutes, or is running
    one now, is alive."""
    lately = timezone.now() - datetime.timedelta(minutes=2)
    return DBTaskResult.objects.filter(finished_at__gte=lately).exists() or (
        DBTaskResult.objects.running().exists()
    )


def refresh_after_import() -> TaskResult:
    """Queue a refresh of the search data for the worker, at the end of an import (the
    command's or the admin's), whatever the import changed; the queued task's result."""
    return refresh_search_data.enqueue()


def search_data_is_stale() -> bool:
    """Whether the snapshot no longer serves the log well: none, where the public log is
    large enough for one; or more than REFRESH_AFTER_CHANGES entries changed since.
    Two small queries, whatever the size of the log."""
    if FacetSnapshot.objects.exists():
        noted = SnapshotChange.objects.values("disclosure_id").distinct()
        return noted[:REFRESH_AFTER_CHANGES].count() >= REFRESH_AFTER_CHANGES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT FROM disclosures_disclosure "
            "WHERE disclosures_is_public(status, published_at) LIMIT %s) AS enough",
            [bitmaps.SNAPSHOT_FROM],
        )
        return cursor.fetchone()[0] >= bitmaps.SNAPSHOT_FROM


@task()
def keep_search_data_current() -> int | None:
    """Refresh the search data when it is stale (``search_data_is_stale``): the number
    of entries numbered, or None when nothing was needed."""
    return refresh_search_data.call() if search_data_is_stale() else None


@task()
def keep_whole_log_files_current() -> int:
    """Build afresh each file of the whole public log (``WholeLogFile``) that no longer
    holds the log as it stands; how many were built. Downloads are made afresh
    meanwhile, so a withdrawn entry is never in one."""
    version = freshness.log_state().digest
    stale = WholeLogFile.objects.exclude(version=version)
    for built in stale:
        exports.build_whole_log_file(built)
    return len(stale)


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
    # Searches and filtered lists stay fast as entries change, with no job to install.
    Scheduled(keep_search_data_current, datetime.timedelta(minutes=1)),
    # The whole log's downloads are files again within a minute or so of a change.
    Scheduled(keep_whole_log_files_current, datetime.timedelta(minutes=1)),
    # A scheduled entry's words are suggested within a minute of its time.
    Scheduled(count_due_words, datetime.timedelta(minutes=1)),
    Scheduled(fold_public_changes, datetime.timedelta(hours=1)),
    # A delta's changes merged into a full snapshot, once a day at most.
    Scheduled(merge_search_data, datetime.timedelta(days=1)),
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
