"""The notifier: status changes (the tickets' outbox) delivered to the doctor's channel.

`python -m bot.notify` runs the loop (`worker.Notifier`); each outbox `channel` has a sender,
registered in `registry.SENDERS` (one line per channel). Delivery is in order per conversation,
retried with backoff, and recorded (`deliveries`) so that a message is sent once.
"""
