"""``servicefit api-token create|list|revoke``: API tokens from the command line."""

from __future__ import annotations

import argparse
import json

MAX_TOKEN_DAYS = 3650
MAX_RATE = 1_000_000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tokens = subparsers.add_parser("api-token", help="create, list or revoke API tokens")
    actions = tokens.add_subparsers(dest="action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="create a token; the secret is printed once")
    create.add_argument("--user", required=True, help="the user the token acts for")
    create.add_argument(
        "--scope", action="append", required=True, help="a scope (repeat for several)"
    )
    create.add_argument("--name", default="", help="what the token is for")
    create.add_argument(
        "--days", type=int, default=90, help="days until it expires (0: never; at most 3650)"
    )
    create.add_argument("--rate", type=int, default=600, help="requests per minute (1 to 1000000)")
    create.add_argument("--json", action="store_true", help='print {"token": …, …} as JSON')
    create.set_defaults(func=run_create)

    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)

    revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
    revoke.add_argument("prefix")
    revoke.set_defaults(func=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    from servicefit.cli import CommandError
    from servicefit.cli.web import setup_django

    setup_django()
    from servicefit.accounts.models import User
    from servicefit.api.tokens import TokenError, create_token

    user = User.objects.filter(username=args.user).first()
    if user is None:
        raise CommandError(f"no user {args.user!r}")
    if not 0 <= args.days <= MAX_TOKEN_DAYS:
        raise CommandError(f"--days must be from 0 (never expires) to {MAX_TOKEN_DAYS}")
    if not 1 <= args.rate <= MAX_RATE:
        raise CommandError(f"--rate must be from 1 to {MAX_RATE} requests per minute")
    try:
        new = create_token(
            user=user,
            name=args.name or "command line",
            scopes=args.scope,
            created_by=None,
            expires_in_days=args.days or None,
            rate_limit_per_minute=args.rate,
        )
    except TokenError as exc:
        raise CommandError(str(exc)) from None
    token = new.token
    if args.json:
        print(
            json.dumps(
                {
                    "token": new.secret,
                    "prefix": token.prefix,
                    "user": user.get_username(),
                    "scopes": token.scopes,
                    "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                }
            )
        )
    else:
        print(f"Token for {user.get_username()} ({', '.join(token.scopes)}), shown once:")
        print(f"  {new.secret}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from servicefit.cli.web import setup_django

    setup_django()
    from servicefit.api.models import ApiToken

    rows = [
        {
            "prefix": t.prefix,
            "name": t.name,
            "user": t.user.get_username(),
            "scopes": t.scopes,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None,
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at is not None,
        }
        for t in ApiToken.objects.select_related("user")
    ]
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            state = "revoked" if row["revoked"] else "active"
            print(f"{row['prefix']}…  {row['user']:<16} {state:<8} {','.join(row['scopes'])}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from servicefit.cli import CommandError
    from servicefit.cli.web import setup_django

    setup_django()
    from servicefit.api.models import ApiToken
    from servicefit.api.tokens import revoke_token

    tokens = list(ApiToken.objects.filter(prefix=args.prefix))
    if len(tokens) != 1:
        raise CommandError(f"no single token with prefix {args.prefix!r}")
    revoke_token(token=tokens[0], revoked_by=None)
    print(f"revoked {args.prefix}…")
    return 0
