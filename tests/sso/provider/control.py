"""Set up the test OpenID provider: ``control.py init CLIENT_ID SECRET REDIRECT_URI...``,
``control.py user NAME PASSWORD EMAIL [GROUP...]`` (creates or updates, groups replaced).

Run as a subprocess with the provider's settings module (its own database and key)."""

import os
import sys

import django


def init(client_id: str, secret: str, *redirect_uris: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from oauth2_provider.models import Application

    Application.objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": "ServiceFit",
            "client_secret": secret,
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": " ".join(redirect_uris),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )


def user(name: str, password: str, email: str, *groups: str) -> None:
    from django.contrib.auth.models import Group, User

    account, _created = User.objects.get_or_create(username=name)
    account.email = email
    account.first_name = name.capitalize()
    account.set_password(password)
    account.save()
    account.groups.set([Group.objects.get_or_create(name=group)[0] for group in groups])


def write_key(directory: str) -> None:
    """A fresh 2048-bit RSA signing key for this run (never committed)."""
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = Path(directory) / "oidc-key.pem"
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def main() -> None:
    command, *args = sys.argv[1:]
    write_key(os.environ["SSO_PROVIDER_DIR"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.provider.settings"
    django.setup()
    {"init": init, "user": user}[command](*args)


if __name__ == "__main__":
    main()
