"""The programme's schedule: deadline reminders, the managers' weekly digest, expiry notices, supervision due and
overdue, workshop reminders, waiting-list offers and idle sessions; the organisation's switches and the person's
list of messages sent to them."""
