"""Hand-off to a person: the doctor asks, waits in a queue, an operator answers, hands back.

States, as both sides see them (Chatwoot's pending → open → resolved):

    bot ──ask──▶ waiting ──take──▶ assigned ──hand back──▶ resolved (👍/👎, comment)
                    └──cancel──▶ cancelled

While *assigned* the bot is paused for that conversation (Rasa's `ConversationPaused`): the
doctor's messages and files reach the operator only. Outside opening hours, or with nobody
online, the doctor can leave a message instead: a *callback* that an operator answers in the
chat or by e-mail. Every step is an event (`handoff_events`), read by the dashboard.

No channel or web framework here: the action server, the console and the bridges call
`bot.handoff.service` with a UnitOfWork; what the doctor reads goes through `say` (the outbox).
"""
