"""The storage interface every backend implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import BinaryIO, Iterator

CHUNK_BYTES = 64 * 1024


class StoredFileMissing(FileNotFoundError):
    """No file under this key."""


class Storage(ABC):
    """put/open/delete/exists on keys such as ``attachments/12/abc``."""

    name: str

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store ``data`` under ``key``; a key is written once (the callers draw random keys)."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the file; raise :class:`StoredFileMissing`."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (deleting twice is harmless)."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        ...

    @abstractmethod
    def check(self) -> None:
        """Raise when the storage cannot be used (``/readyz``)."""

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def chunks(self, key: str) -> Iterator[bytes]:
        """The file in pieces, for a streamed response; opened at once so that a
        missing file fails before the response starts."""
        stream = self.open(key)

        def generate():
            try:
                while chunk := stream.read(CHUNK_BYTES):
                    yield chunk
            finally:
                stream.close()
        return generate()
