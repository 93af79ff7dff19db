"""checkov's own Object Lock check, CKV_AWS_143, reads only the deprecated
`object_lock_configuration` block inside `aws_s3_bucket`; for the separate
`aws_s3_bucket_object_lock_configuration` resource (the only way to lock an
existing bucket without replacing it) it answers UNKNOWN and reports nothing.
This check looks where the lock is: enabled, with a default retention in a
valid mode, so that a version written without retention headers is locked.
"""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class ObjectLockDefaultRetention(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an S3 Object Lock configuration is enabled with a default retention",
            id="CKV_LOGFERRY_1",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_s3_bucket_object_lock_configuration"],
        )

    def scan_resource_conf(self, conf):
        enabled = conf.get("object_lock_enabled", ["Enabled"])
        if enabled not in ("Enabled", ["Enabled"]):
            return CheckResult.FAILED
        rule = (conf.get("rule") or [None])[0]
        retention = ((rule or {}).get("default_retention") or [None])[0] or {}
        if not retention.get("mode") or not (retention.get("days") or retention.get("years")):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ObjectLockDefaultRetention()
