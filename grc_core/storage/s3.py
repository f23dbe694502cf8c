"""Files in an S3-compatible bucket (several web nodes, workers)."""
from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .base import Storage, StoredFileMissing

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage(Storage):
    name = "s3"

    def __init__(self, *, bucket, endpoint_url=None, region=None, access_key=None, secret_key=None, prefix=""):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        # One client per storage: boto3 clients are thread-safe, sessions are not.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            # Path-style addressing: MinIO and most self-hosted endpoints have no per-bucket DNS.
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key, data, content_type="application/octet-stream"):
        # IfNoneMatch: the object store refuses to overwrite, like the local "xb" mode.
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type,
                               IfNoneMatch="*")

    def open(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise StoredFileMissing(key) from None
            raise

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key):
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

    def check(self):
        self.client.head_bucket(Bucket=self.bucket)
