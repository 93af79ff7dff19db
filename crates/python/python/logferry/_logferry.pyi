from os import PathLike
from typing import List, Optional, Tuple, Union

KEYWORDS: List[Tuple[str, str]]

class ShipError(Exception):
    summary: "ShipSummary"

class ShipSummary:
    shipped: int
    bytes: int
    already_archived: int
    changed: int
    skipped: int
    failed: List[Tuple[str, str, bool]]

class Written:
    bucket: str
    key: str
    size: int
    crc32c: str

class Writer:
    def __init__(
        self,
        name: str,
        *,
        archive_bucket: Optional[str] = None,
        archive_prefix: Optional[str] = None,
        auth_mode: Optional[str] = None,
        role_arn: Optional[str] = None,
        external_id: Optional[str] = None,
        session_name: Optional[str] = None,
        source_account: Optional[str] = None,
        key_template: Optional[str] = None,
        part_size_mib: Optional[int] = None,
    ) -> None: ...
    def key(self, name: str) -> str: ...
    def write_bytes(self, name: str, data: bytes) -> Written: ...
    def write_file(self, path: Union[str, PathLike], name: Optional[str] = None) -> Written: ...

def ship(
    uris: List[str],
    *,
    archive_bucket: Optional[str] = None,
    archive_prefix: Optional[str] = None,
    auth_mode: Optional[str] = None,
    role_arn: Optional[str] = None,
    external_id: Optional[str] = None,
    session_name: Optional[str] = None,
    source_account: Optional[str] = None,
    key_template: Optional[str] = None,
    concurrency: Optional[int] = None,
) -> ShipSummary: ...
