"""The background worker (disclosures/tasks.py, manage.py run_worker)."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from disclosures import bitmaps, tasks
from disclosures.models import (
    Disclosure,
    FacetSnapshot,
    PublicChange,
    SearchWord,
    SnapshotChange,
)
from tests.factories import DisclosureFactory
from tests.log_files import csv_bytes, log_row

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


# --- Keeping the search data current ------------------------------------------------------


@pytest.fixture
def small_snapshots(monkeypatch):
    """Snapshots from five public entries, and a refresh after two changes."""
    monkeypatch.setattr(bitmaps, "SNAPSHOT_FROM", 5)
    monkeypatch.setattr(tasks, "REFRESH_AFTER_CHANGES", 2)


def a_minute_later(run_worker) -> None:
    """The worker's next round, when its scheduled check of the search data is due."""
    tasks.keep_search_data_current.enqueue()
    run_worker()


def test_the_worker_takes_a_snapshot_once_the_log_is_large_enough(small_snapshots, run_worker):
    DisclosureFactory.create_batch(4, title="Police drones")
    run_worker()
    assert not FacetSnapshot.objects.exists()
    DisclosureFactory(title="Police drones")
    a_minute_later(run_worker)
    assert FacetSnapshot.objects.get().size == 5


def test_the_worker_refreshes_once_enough_entries_changed(small_snapshots, run_worker):
    entries = DisclosureFactory.create_batch(8, title="Police drones")
    run_worker()
    first = FacetSnapshot.objects.get().pk
    entries[0].withdraw("Published in error.")
    a_minute_later(run_worker)
    assert FacetSnapshot.objects.get().pk == first  # one change: counted over its row
    entries[1].withdraw("Published in error.")
    a_minute_later(run_worker)
    snapshot = FacetSnapshot.objects.get()
    assert snapshot.pk != first
    assert snapshot.size == 6
    assert not SnapshotChange.objects.exists()


def test_a_refresh_after_few_changes_is_a_delta_merged_into_a_full_snapshot_daily(
    small_snapshots, run_worker
):
    entries = DisclosureFactory.create_batch(30, title="Police drones")
    run_worker()
    full = FacetSnapshot.objects.get()
    for entry in entries[:2]:
        entry.withdraw("Published in error.")
    a_minute_later(run_worker)
    delta = FacetSnapshot.objects.exclude(pk=full.pk).get()
    assert delta.base_id == full.pk  # 2 changes of 30 entries: within a tenth
    assert not SnapshotChange.objects.exists()
    tasks.merge_search_data.enqueue()
    run_worker()
    merged = FacetSnapshot.objects.get()
    assert merged.base_id is None
    assert merged.size == 28
    assert tasks.merge_search_data.call() is None  # nothing to merge


def test_an_import_queues_a_refresh_the_worker_runs(small_snapshots, run_worker, tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes([log_row(f"FOI-{n}") for n in range(6)]))
    err = io.StringIO()
    call_command("import_log", str(path), stdout=io.StringIO(), stderr=err)
    queued = DBTaskResult.objects.filter(task_path=tasks.refresh_search_data.module_path)
    assert queued.get().status == "READY"
    # No worker has run lately: the command says so rather than wait.
    assert "start it with `manage.py run_worker`" in err.getvalue()
    run_worker()
    assert queued.get().status == "SUCCESSFUL"
    assert FacetSnapshot.objects.get().size == 6


def test_the_admin_import_queues_a_refresh_and_does_not_wait(admin_client, small_snapshots):
    upload = SimpleUploadedFile("log.csv", csv_bytes([log_row(f"FOI-{n}") for n in range(6)]))
    checked = admin_client.post(
        "/admin/disclosures/disclosure/import/", {"file": upload, "publish": "on"}
    )
    token = re.search(r'name="token" value="([^"]+)"', checked.content.decode()).group(1)
    admin_client.post("/admin/disclosures/disclosure/import/", {"token": token, "import": "1"})
    assert Disclosure.objects.public().count() == 6
    queued = DBTaskResult.objects.filter(task_path=tasks.refresh_search_data.module_path)
    assert queued.get().status == "READY"


def test_the_worker_forgets_alerts_never_confirmed_after_seven_days(run_worker):
    from alerts.models import Alert, Subscriber

    Subscriber.objects.sign_up("stale@example.org", "q=drones", "daily")
    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    run_worker()
    assert not Subscriber.objects.exists()
