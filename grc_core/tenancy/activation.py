"""Which plugins each commune uses (``commune_plugin`` rows)."""
from __future__ import annotations

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Commune, CommunePlugin, RequestType, Service, Workflow, utcnow
from .scoping import use_commune

#: ``g`` key of the back-office views' access answers for the current request.
VIEW_ACCESS_CACHE = "grc_view_access"


def registry():
    return current_app.extensions["grc"]


def working_domains(membership, active: list[str]) -> list[str]:
    """The enabled domains a member works in, for his menus and home cards:
    those of his services and of the extra permissions he was given (a
    voirie manager finds no urbanisme card); every enabled one for an
    administrator or a member without services (DGS, front desk, platform
    operator). What he may open stays decided by permissions, elsewhere."""
    if membership is None or membership.role == "admin" or not membership.services:
        return list(active)
    mine = {service.plugin for service in membership.services}
    mine |= {code.split(".", 1)[0] for code in membership.permissions or ()}
    return [name for name in active if name in mine]


def active_plugins(commune: Commune | int | None) -> list[str]:
    """Loaded plugins enabled for the commune, in load order (cached per request)."""
    if commune is None:
        return []
    commune_id = getattr(commune, "id", commune)
    cache = g.setdefault("grc_active_plugins", {})
    if commune_id not in cache:
        remember_enabled(commune_id, db.session.scalars(
            select(CommunePlugin.plugin).where(
                CommunePlugin.commune_id == commune_id, CommunePlugin.enabled.is_(True)
            )
        ))
    return list(cache[commune_id])


def remember_enabled(commune_id: int, enabled) -> None:
    """Cache, for this request, the plugins enabled for the commune as another
    query read them (the tenancy resolver reads them with the commune)."""
    enabled = set(enabled)
    g.setdefault("grc_active_plugins", {})[commune_id] = [name for name in registry().names if name in enabled]


def enabled_plugins_column(commune_table):
    """SQL: the names of the plugins enabled for each row of ``commune_table``,
    comma-separated (NULL for none), to read with the commune itself. A Core
    subquery: the communes being resolved are not the current commune yet."""
    table = CommunePlugin.__table__
    return (select(func.aggregate_strings(table.c.plugin, ","))
            .where(table.c.commune_id == commune_table.id, table.c.enabled.is_(True))
            .correlate(commune_table).scalar_subquery())


def is_active(plugin: str | None, commune) -> bool:
    """The core (plugin None) is always active."""
    return plugin is None or plugin in active_plugins(commune)


def _forget_cache(commune_id: int) -> None:
    g.setdefault("grc_active_plugins", {}).pop(commune_id, None)
    # The back-office views' access answers of this request (grc_core.admin.base) depend on it.
    g.pop(VIEW_ACCESS_CACHE, None)


def _row(commune: Commune, plugin: str) -> CommunePlugin | None:
    return db.session.scalar(
        select(CommunePlugin).where(CommunePlugin.commune_id == commune.id, CommunePlugin.plugin == plugin)
    )


def _check_loaded(plugin: str) -> None:
    if plugin not in registry().names:
        loaded = ", ".join(registry().names) or "aucun"
        raise ValueError(f"Le plugin « {plugin} » n'est pas chargé (chargés : {loaded}).")


def enable_plugin(commune: Commune, plugin: str) -> bool:
    """Enable ``plugin`` (and the plugins it depends on) for the commune.

    Creates the services it declares that the commune does not have yet and
    calls its ``grc_plugin_enabled``. Returns False when it was already
    enabled. The caller commits.
    """
    _check_loaded(plugin)
    for dependency in registry().manifests[plugin].depends:
        enable_plugin(commune, dependency)
    row = _row(commune, plugin)
    if row is not None and row.enabled:
        return False
    if row is None:
        row = CommunePlugin(commune_id=commune.id, plugin=plugin)
        db.session.add(row)
    row.enabled = True
    row.changed_at = utcnow()
    with use_commune(commune):
        existing = set(db.session.scalars(select(Service.code)))
        for declared in registry().declared_by("grc_register_services", plugin):
            if declared.code not in existing and not existing & set(declared.existing):
                db.session.add(Service(
                    code=declared.code, name=declared.name, direction=declared.direction,
                    email=declared.email, plugin=plugin,
                ))
        _copy_templates(plugin)
        db.session.flush()
        _forget_cache(commune.id)
        registry().plugin_enabled(plugin, commune)
    return True


def service_for(code: str) -> Service | None:
    """The current commune's service a plugin means by ``code``: the service
    of that code, else the first of its declaration's ``existing`` codes
    that the commune has (see :class:`ServiceDecl`)."""
    service = db.session.scalar(select(Service).where(Service.code == code))
    if service is not None:
        return service
    entry = registry().declarations["grc_register_services"].get(code)
    for other in entry.item.existing if entry else ():
        service = db.session.scalar(select(Service).where(Service.code == other))
        if service is not None:
            return service
    return None


def _copy_templates(plugin: str) -> None:
    """Give the current commune its own copy of the plugin's workflows and
    request types. Existing copies are left as the commune edited them."""
    from ..copied_labels import copied
    from ..workflows.definition import fingerprint, from_decl

    workflows = {w.code: w for w in db.session.scalars(select(Workflow))}
    for decl in registry().declared_by("grc_register_workflows", plugin):
        if decl.code not in workflows:
            definition = from_decl(decl)
            label, key = copied(decl.label)
            workflows[decl.code] = Workflow(code=decl.code, label=label, label_key=key, definition=definition,
                                            template=decl.code, template_version=fingerprint(definition))
            db.session.add(workflows[decl.code])
    existing = set(db.session.scalars(select(RequestType.code)))
    for decl in registry().declared_by("grc_register_request_types", plugin):
        if decl.code in existing:
            continue
        label, key = copied(decl.label)
        db.session.add(RequestType(
            code=decl.code, label=label, label_key=key, plugin=plugin, fields=[],
            service=service_for(decl.service), workflow=workflows.get(decl.workflow),
            sla_days=decl.sla_days, priority=decl.priority, channels=list(decl.channels), public=decl.public,
        ))


def disable_plugin(commune: Commune, plugin: str) -> bool:
    """Disable ``plugin`` for the commune, keeping its data.

    Refused while an enabled plugin depends on it. Returns False when it was
    not enabled. The caller commits.
    """
    _check_loaded(plugin)
    dependants = [
        name for name in active_plugins(commune)
        if plugin in registry().manifests[name].depends
    ]
    if dependants:
        raise ValueError(_("The domain « %(plugin)s » is needed by: %(dependants)s; disable them first.",
                           plugin=plugin, dependants=", ".join(dependants)))
    row = _row(commune, plugin)
    if row is None or not row.enabled:
        return False
    row.enabled = False
    row.changed_at = utcnow()
    db.session.flush()
    _forget_cache(commune.id)
    with use_commune(commune):
        registry().plugin_disabled(plugin, commune)
    return True
