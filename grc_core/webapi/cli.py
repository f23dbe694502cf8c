"""``grc api-keys``: create (the key printed once), list and revoke a commune's API keys."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import ApiKey, Commune
from ..models.api_key import API_ROLES, API_SCOPES
from ..tenancy import use_commune
from .keys import ApiKeyError, create_key, revoke_key


def _commune(slug: str) -> Commune:
    commune = db.session.scalar(select(Commune).where(Commune.slug == slug))
    if commune is None:
        raise click.UsageError(f"Commune « {slug} » inconnue.")
    return commune


@click.group("api-keys", help="Clés d'API des communes (Open311, API REST).")
def api_keys_group():
    pass


@api_keys_group.command("create", help="Crée une clé et l'affiche une seule fois (seule son empreinte est gardée).")
@click.option("--commune", "slug", required=True)
@click.option("--name", required=True, help="À quoi sert la clé (nom de l'application, de l'intégrateur).")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(API_SCOPES), default=("open311",),
              show_default=True, help="Portée (répétable).")
@click.option("--role", type=click.Choice(API_ROLES), default="accueil", show_default=True,
              help="Rôle d'agent avec lequel la clé agit.")
@with_appcontext
def api_keys_create(slug, name, scopes, role):
    commune = _commune(slug)
    with use_commune(commune):
        try:
            key, secret = create_key(name=name, scopes=scopes, role=role)
        except ApiKeyError as error:
            raise click.UsageError(str(error)) from None
        db.session.flush()
        record("api_key.created", target=key.prefix, details={"name": key.name, "scopes": key.scopes,
                                                               "role": key.role}, commit=False)
        db.session.commit()
        click.echo(f"Clé n° {key.id} « {key.name} » ({', '.join(key.scopes)}, {key.role}) pour {commune.name} :")
        click.echo(secret)
        click.echo("Notez-la maintenant : elle ne sera plus jamais affichée.")


@api_keys_group.command("list")
@click.option("--commune", "slug", required=True)
@with_appcontext
def api_keys_list(slug):
    with use_commune(_commune(slug)):
        for key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
            state = f"révoquée le {key.revoked_at:%d/%m/%Y}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%d/%m/%Y %H:%M}" if key.last_used_at else "jamais"
            click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{','.join(key.scopes)}\t{key.role}\t"
                       f"dernier usage : {used}\t{state}")


@api_keys_group.command("revoke", help="Révoque une clé (elle reste listée).")
@click.option("--commune", "slug", required=True)
@click.argument("key_number", type=int)
@with_appcontext
def api_keys_revoke(slug, key_number):
    with use_commune(_commune(slug)):
        key = db.session.scalar(select(ApiKey).where(ApiKey.id == key_number))
        if key is None:
            raise click.UsageError(f"Pas de clé n° {key_number} dans cette commune.")
        revoke_key(key)
        record("api_key.revoked", target=key.prefix, details={"name": key.name}, commit=False)
        db.session.commit()
        click.echo(f"Clé « {key.name} » révoquée.")
