"""Files in the instance folder (one machine)."""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .base import Storage, StoredFileMissing


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        # Keys are drawn by the application, never typed by a user; refuse anything
        # that would leave the folder all the same.
        if not parts or any(part in ("..", "") or part.startswith("/") for part in parts):
            raise ValueError(f"invalid storage key: {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key, data, content_type="application/octet-stream"):
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as handle:  # never overwrite
                handle.write(data)
        except FileExistsError:
            raise
        except OSError:
            # A full disk leaves a truncated file: no half-stored file stays behind.
            path.unlink(missing_ok=True)
            raise

    def open(self, key):
        try:
            return open(self.path(key), "rb")
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    def delete(self, key):
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass

    def exists(self, key):
        return self.path(key).is_file()

    def check(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root} is not writable")
