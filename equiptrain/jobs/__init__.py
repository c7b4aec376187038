"""The job queue (huey), the durable outbox every email and other delivery goes through, and the schedule.

See `queue` (huey and the worker), `outbox` (delivery kinds and the sweeper), `schedule` (periodic tasks that run
once per period however many consumers), `reminders` (the programme's scheduled messages)."""
