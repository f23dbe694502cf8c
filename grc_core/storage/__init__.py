"""Where files live: attachments and generated documents, behind one interface.

A web node keeps no file of its own: with ``STORAGE_S3_BUCKET`` set, every
node (and every job worker) reads and writes the same S3-compatible bucket
(MinIO, Garage, Scaleway, OVH, AWS…); otherwise files stay in the instance
folder, as they always have (one machine, the embedded default).

Keys are relative paths such as ``attachments/<commune_id>/<random key>``;
in the local folder they are the same relative paths under the instance
folder, so files written before this interface existed keep working.
"""
from __future__ import annotations

from flask import current_app

from .base import Storage, StoredFileMissing
from .local import LocalStorage

__all__ = ["LocalStorage", "Storage", "StoredFileMissing", "build_storage", "storage"]


def build_storage(settings: dict, instance_path: str) -> Storage:
    if settings.get("STORAGE_S3_BUCKET"):
        from .s3 import S3Storage  # boto3 is imported only where it is used

        return S3Storage(
            bucket=settings["STORAGE_S3_BUCKET"],
            endpoint_url=settings.get("STORAGE_S3_ENDPOINT") or None,
            region=settings.get("STORAGE_S3_REGION") or None,
            access_key=settings.get("STORAGE_S3_ACCESS_KEY") or None,
            secret_key=settings.get("STORAGE_S3_SECRET_KEY") or None,
            prefix=settings.get("STORAGE_S3_PREFIX") or "",
        )
    return LocalStorage(instance_path)


def storage() -> Storage:
    """The storage of the current app (built on first use, then kept)."""
    app = current_app._get_current_object()
    if "grc_storage" not in app.extensions:
        app.extensions["grc_storage"] = build_storage(app.config["GRC"], app.instance_path)
    return app.extensions["grc_storage"]
