"""The staff console at /staff: tickets, attachments, conversations, dashboard, users.

Server-rendered (Jinja2) pages; sessions in signed cookies; every change carries a CSRF token.
Commands: `python -m bot.web.console create-admin <username> | merge-training | retention`.
"""
