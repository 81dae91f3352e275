"""The background worker (disclosures/tasks.py, manage.py run_worker)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from disclosures import tasks
from disclosures.models import PublicChange, SearchWord
from tests.factories import DisclosureFactory

pytestmark = pytest.mark.django_db


def queued_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_every_scheduled_task_is_queued_once_when_due():
    queued = tasks.queue_due()
    assert {t.module_path for t in queued} == {s.task.module_path for s in tasks.SCHEDULE}
    assert tasks.queue_due() == []  # still waiting: not queued twice
    assert len(queued_paths()) == len(tasks.SCHEDULE)


def test_a_scheduled_task_is_queued_again_after_its_interval(run_worker):
    tasks.queue_due()
    run_worker()
    assert tasks.queue_due() == []  # ran just now
    later = timezone.now() + datetime.timedelta(minutes=1, seconds=1)
    every_minute = [s.task for s in tasks.SCHEDULE if s.every <= datetime.timedelta(minutes=1)]
    assert tasks.count_due_words in every_minute
    assert tasks.queue_due(now=later) == every_minute


def test_the_worker_runs_what_is_queued_and_records_it(run_worker):
    tasks.count_due_words.enqueue()
    run_worker()
    results = DBTaskResult.objects.filter(task_path=tasks.count_due_words.module_path)
    assert {r.status for r in results} == {"SUCCESSFUL"}


def test_the_worker_counts_the_words_of_an_entry_that_came_due(run_worker):
    DisclosureFactory(title="Tutoring costs", scheduled=True)
    assert not SearchWord.objects.filter(word="tutoring").exists()
    # Its time comes with no change to its row.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE disclosures_vocabularypending SET due_at = now() - interval '1 second'"
        )
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE disclosures_disclosure SET published_at = now() - interval '1 second'"
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    run_worker()
    assert SearchWord.objects.filter(word="tutoring").exists()


def test_folding_keeps_the_logs_version_and_latest_change():
    DisclosureFactory.create_batch(3)
    before = PublicChange.objects.count()
    assert before > 1
    total = sum(PublicChange.objects.values_list("changes", flat=True))
    latest = max(PublicChange.objects.values_list("changed_at", flat=True))
    tasks.fold_public_changes.call()
    assert PublicChange.objects.count() == 1
    folded = PublicChange.objects.get()
    assert (folded.changes, folded.changed_at) == (total, latest)


def test_old_task_records_are_forgotten(run_worker):
    run_worker()
    finished = DBTaskResult.objects.count()
    DBTaskResult.objects.update(finished_at=timezone.now() - datetime.timedelta(days=8))
    waiting = tasks.count_due_words.enqueue()
    assert tasks.forget_old_task_results.call() == finished
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [waiting.id]


def test_the_worker_forgets_alerts_never_confirmed_after_seven_days(run_worker):
    from alerts.models import Alert, Subscriber

    Subscriber.objects.sign_up("stale@example.org", "q=drones", "daily")
    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    run_worker()
    assert not Subscriber.objects.exists()
