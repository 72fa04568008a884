"""The Telegram channel: a python-telegram-bot bridge between Telegram chats and the conversation.

- `python -m bot.telegram` runs it (long polling, or webhook mode with TELEGRAM_WEBHOOK_URL);
  `make run` starts it when TELEGRAM_BOT_TOKEN is set. Settings: `bot.telegram.settings`.
- Each chat is the conversation `telegram:<chat_id>`; texts, buttons, files and commands are
  handled in `bridge`; what the bridge itself says is in `messages.yml`.
- Status changes reach the doctor through the notifier (`bot.notify`), whose Telegram sender is
  `notifications`.
"""
