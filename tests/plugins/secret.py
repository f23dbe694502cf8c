"""The secret plugin: one confidential request type, for the core's
enforcement of ``RequestTypeDecl.read_permission`` without any real domain
(tests/test_confidentiality.py). Only holders of ``secret.read`` read its
requests.
"""
from __future__ import annotations

from grc_core.plugin_api import (
    FieldSpec, PermissionDecl, PluginManifest, RequestTypeDecl, ServiceDecl, StateSpec, TransitionSpec,
    WorkflowDecl, hookimpl,
)

manifest = PluginManifest(name="secret", label="Domaine secret", version="1.0.0")


@hookimpl
def grc_register_services():
    return [ServiceDecl("secret.bureau", "Bureau secret")]


@hookimpl
def grc_register_permissions():
    return [PermissionDecl("secret.read", "Lire les dossiers secrets", "", ())]


@hookimpl
def grc_register_workflows():
    return [
        WorkflowDecl(
            "secret.simple", "Traitement secret",
            states=(StateSpec("ouvert", "Ouvert", "new"), StateSpec("clos", "Clos", "closed")),
            transitions=(TransitionSpec("clore", "Clore", ("ouvert",), "clos", notify_citizen=True),),
        ),
    ]


@hookimpl
def grc_register_request_types():
    return [
        RequestTypeDecl("secret.dossier", "Dossier secret", service="secret.bureau", workflow="secret.simple",
                        fields=(FieldSpec("motif", "Motif", "textarea", required=True),),
                        read_permission="secret.read"),
    ]
