"""Console commands.

python -m bot.web.console create-admin <username>   # asks the password, or prints a new one
python -m bot.web.console create-user <username> --role operatore|revisore|admin
python -m bot.web.console merge-training            # review files -> data/nlu/review.yml
python -m bot.web.console retention                 # delete old files (closed, never filed, no row)
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.config import get_settings
from bot.db import upgrade_to_head
from bot.logging_setup import configure_logging
from bot.web.console.models import ADMIN, ROLES
from bot.web.console.passwords import generate_password
from bot.web.console.retention import run_retention
from bot.web.console.settings import get_console_settings
from bot.web.console.texts import message
from bot.web.console.training import merge_training
from bot.web.console.users import UserError, create_user


def _ask_password() -> str | None:
    """A typed password (asked twice) on a terminal; None means: generate one."""
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Password (Invio per generarne una): ")
    if not first:
        return None
    if getpass.getpass("Ripeta la password: ") != first:
        raise UserError("password_diverse")
    return first


def _create(username: str, role: str, generate: bool) -> int:
    upgrade_to_head()
    try:
        typed = None if generate else _ask_password()
        password = typed or generate_password()
        staff = create_user(username, role, password)
    except UserError as error:
        print(message(error.code), file=sys.stderr)
        return 1
    print(f"Utente {staff.username} ({role}) creato.")
    if typed is None:
        print(f"Password: {password}")
        print("La conservi ora: non verrà mostrata di nuovo.")
    print("Console: http://localhost:8000/staff")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web.console")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="crea un amministratore")
    admin.add_argument("username")
    admin.add_argument("--generate", action="store_true", help="genera la password senza chiederla")
    user = commands.add_parser("create-user", help="crea un utente con un ruolo")
    user.add_argument("username")
    user.add_argument("--role", choices=ROLES, required=True)
    user.add_argument("--generate", action="store_true")
    commands.add_parser("merge-training", help="unisce i file di revisione in data/nlu/review.yml")
    retention = commands.add_parser("retention", help="elimina i file da non conservare")
    retention.add_argument("--days", type=int, default=None, help="default: RETENTION_DAYS")
    args = parser.parse_args(argv)
    configure_logging()

    if args.command == "create-admin":
        return _create(args.username, ADMIN, args.generate)
    if args.command == "create-user":
        return _create(args.username, args.role, args.generate)
    settings = get_console_settings()
    if args.command == "merge-training":
        result = merge_training(settings.review_dir)
        if not result.merged_files and result.valid:
            print("Nessun file di revisione da unire.")
            return 0
        if not result.valid:
            print(result.output, file=sys.stderr)
            print("rasa data validate non è riuscito: data/nlu/review.yml non è stato cambiato.")
            return 1
        print(
            f"{result.examples} esempi da {len(result.merged_files)} file uniti in "
            "data/nlu/review.yml."
        )
        print("Riaddestri il modello (make run lo fa quando i dati cambiano).")
        return 0
    upgrade_to_head()
    days = settings.retention_days if args.days is None else args.days
    hours = get_settings().upload_orphan_hours
    done = run_retention(days, hours)
    print(f"{done.closed} allegati eliminati (richieste chiuse da più di {days} giorni).")
    print(
        f"{done.orphans} file mai allegati a una richiesta eliminati (più vecchi di {hours} ore)."
    )
    print(f"{done.unlisted} file senza riga nel database eliminati.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
