"""The job queue and the unit of work: jobs queued in a transaction go to huey only after it commits (never on a
rollback); a job runs as its own transaction; a long job stops between steps when its process exits."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from equiptrain import transaction
from equiptrain.extensions import db
from equiptrain.jobs import queue


def test_after_commit_jobs_wait_for_the_commit_and_vanish_on_rollback(app, background_queue, monkeypatch):
    from equiptrain.accounts import services

    db.session.execute(select(1))  # a transaction is under way, as in any request that writes
    transaction.after_commit(services.request_password_reset, "dropped@example.nhs.uk")
    db.session.rollback()
    assert background_queue.pending == []
    transaction.after_commit(services.request_password_reset, "kept@example.nhs.uk")
    assert background_queue.pending == []
    db.session.commit()
    assert background_queue.pending == [(services.request_password_reset, ("kept@example.nhs.uk",), {})]


def test_only_module_level_functions_of_the_app_can_be_jobs():
    with pytest.raises(ValueError):
        transaction.job_name(print)
    with pytest.raises(ValueError):
        transaction.job_name(lambda: None)
    with pytest.raises(ValueError):
        transaction.resolve("os.system")


def test_a_job_runs_in_its_own_app_context_and_transaction_and_its_error_rolls_back(app, build):
    """Outside any app context (as in a consumer's thread), a job gets its own context and session."""
    from equiptrain.accounts.models import Organisation

    errors: list = []

    def in_thread(fn, *args):
        try:
            transaction.run_job(app, fn, args, {})
        except Exception as error:  # noqa: BLE001 (the test looks at it)
            errors.append(error)

    def failing():
        db.session.add(Organisation(name="Never committed"))
        db.session.flush()
        raise RuntimeError("boom")

    thread = threading.Thread(target=in_thread, args=(failing,))
    thread.start()
    thread.join(10)
    assert [str(e) for e in errors] == ["boom"]
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Never committed")) is None


def test_the_test_queue_runs_jobs_after_each_request_unless_paused(app, client, build, background_queue, outbox):
    user = build.user()
    db.session.commit()
    client.post("/reset-password", data={"email": user.email})
    assert len(background_queue.pending) == 1 and outbox.messages == []
    background_queue.run_pending()
    background_queue.paused = False
    assert [m["To"] for m in outbox.messages] == [user.email]


def test_a_run_of_invitations_stops_between_batches_when_the_process_exits(app, build, outbox, monkeypatch):
    from equiptrain.accounts.invitations import queue_invitations, send_batches

    org = build.org()
    people = [build.user(org=org, password=None) for _ in range(5)]
    run = queue_invitations(None, org, people)
    db.session.commit()
    monkeypatch.setitem(app.config, "INVITATION_BATCH_SIZE", 2)
    monkeypatch.setattr(queue, "_stopping", threading.Event())
    queue._stopping.set()
    stopped = send_batches(run.id)
    assert (stopped.done, stopped.finished_at, len(outbox.messages)) == (2, None, 2)
    queue._stopping.clear()
    assert send_batches(run.id).finished_at is not None and len(outbox.messages) == 5


def test_a_pending_password_reset_survives_a_restart(app, build, tmp_path, monkeypatch, outbox):
    """The reset request is an outbox row written with the request: a process that stops before a consumer runs
    its job loses nothing (the job waits in the durable queue, SQLite here as `make run` has it), and a job lost
    altogether (a consumer killed mid-job, the queue emptied) is queued again by the sweeper."""
    from equiptrain.accounts import services
    from equiptrain.jobs import outbox as jobs_outbox
    from equiptrain.jobs.queue import Jobs

    user = build.user()
    db.session.commit()
    monkeypatch.setitem(app.config, "JOBS_URL", f"sqlite:///{tmp_path / 'jobs.db'}")
    before = Jobs(app)
    monkeypatch.setitem(app.extensions, queue.KEY, before)
    with app.test_request_context("/reset-password", method="POST"):
        services.queue_password_reset(user.email, ip_address="10.0.0.1")
        services.queue_password_reset("nobody@example.nhs.uk", ip_address="10.0.0.1")
        db.session.commit()
    del before  # the process stops here

    after = Jobs(app)  # a new process on the same queue file
    monkeypatch.setitem(app.extensions, queue.KEY, after)
    assert [fn.__name__ for fn, _args, _kwargs in after.pending] == ["deliver", "deliver"]
    after.clear()  # ... and even the queued jobs are lost: the rows are the truth
    monkeypatch.setitem(app.config, "OUTBOX_SWEEP_AFTER_SECONDS", 0)
    assert jobs_outbox.sweep() == 2
    db.session.commit()
    after.run_pending()
    assert [m["Subject"] for m in outbox.to(user.email)] == ["Reset your EquipTrain password"]
    assert len(outbox.messages) == 1  # nothing for the unknown address
