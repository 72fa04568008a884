"""The notifier: what is said into a conversation from outside the dialogue, delivered.

`python -m bot.notify` runs the loop (`worker.Notifier`) over the outbox that `say` fills:
status changes, hand-off notices, operators' messages. Each conversation channel's adapter
(registered in `bot.channels`) is wrapped by `speaker.ConversationSender`, which records the
notice in the conversation's history and delivers it on the channel; e-mail goes beside it
(`email`). Texts: `notices.yml`. Delivery is in order per conversation, retried with backoff,
and recorded (`deliveries`) so that a message is sent once.
"""
