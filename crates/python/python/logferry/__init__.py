"""logferry: ship S3 logs into another account's archive, and write a job's
own outputs there, owned by the archive's account (canned ACL
bucket-owner-full-control), verified against a CRC32C, under the archive's
key layout.

    import logferry

    summary = logferry.ship(
        ["s3://acme-prod-access-logs/s3-access/2024/01/"],
        archive_bucket="acme-log-archive", archive_prefix="prod/s3-access",
    )

    writer = logferry.Writer("nightly-etl", archive_bucket="acme-log-archive",
                             archive_prefix="prod/etl")
    writer.write_file("/tmp/part-0000.json.gz")

Every keyword is one of the `logferry` command's settings (KEYWORDS maps each
to its LOGFERRY_* variable); a keyword left out is read from that variable.
Credentials, region and endpoint come from the usual AWS settings. Errors are
ShipError, with one line naming the fix.
"""

from logferry._logferry import KEYWORDS, ShipError, ShipSummary, Writer, Written, ship

__all__ = ["KEYWORDS", "ShipError", "ShipSummary", "Writer", "Written", "ship"]
