# Account B: the locked-down archive bucket logferry ships into for every
# source account (A) in source_accounts, its optional customer-managed KMS
# key and, for each assume-role account, a writer role of its own. Every
# source account is fenced into <archive_prefix>/<its account id>/. What
# lands there is WORM (Object Lock), and the protections can only be changed
# by named principals, with an alarm.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  policies  = "${path.module}/../../policies"
  partition = data.aws_partition.current.partition

  account_root_arn = "arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  # Only S3 in the bucket's own region may use the key on a writer's behalf.
  s3_via_service = "s3.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"

  # Each source account with its defaults filled in. Principals are named
  # as the account root plus an aws:PrincipalArn pattern, never as role
  # ARNs: S3, KMS and IAM reject a policy naming a role that does not exist
  # yet, and this root is applied before any source account.
  source_accounts = {
    for id, a in var.source_accounts : id => {
      mode                  = a.mode
      account_arn           = "arn:${local.partition}:iam::${id}:root"
      writer_principal_arns = a.writer_principal_arns != null ? a.writer_principal_arns : ["arn:${local.partition}:iam::${id}:role/${var.shipper_role_name}"]
      external_id           = a.external_id
    }
  }
  direct_accounts      = { for id, a in local.source_accounts : id => a if a.mode == "direct" }
  assume_role_accounts = { for id, a in local.source_accounts : id => a if a.mode == "assume-role" }

  # The bucket policy's writers: every direct account, each confined to its
  # own partition by ${aws:PrincipalAccount} in the resource.
  direct_writer_account_arns   = [for id in sort(keys(local.direct_accounts)) : local.direct_accounts[id].account_arn]
  direct_writer_principal_arns = flatten([for id in sort(keys(local.direct_accounts)) : local.direct_accounts[id].writer_principal_arns])

  writer_role_arns = { for id, role in aws_iam_role.writer : id => role.arn }

  kms_key_arn = var.kms_enabled ? aws_kms_key.archive[0].arn : null

  # What a write may ask for (archive-bucket-write-guard.json.tpl): this
  # archive's algorithm, and STANDARD, where every object starts (lifecycle
  # transitions move it later).
  archive_sse_algorithm = var.kms_enabled ? "aws:kms" : "AES256"
  archive_storage_class = "STANDARD"

  # Where the compactor (log_compactor) writes the query copies; null means
  # the compactor's own default, shared with the Rust writer (include_str!).
  query_prefix = coalesce(var.query_prefix, trimspace(file("${path.module}/../../layout/query-prefix.txt")))
}

# --- Bucket -------------------------------------------------------------------

resource "aws_s3_bucket" "archive" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a separate retention decision; the archive is one copy by design and versioned.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object-created events in the archive account; the shipper reacts to source events in account A.
  bucket        = var.archive_bucket_name
  force_destroy = false
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "archive" {
  bucket = aws_s3_bucket.archive.id

  # ACLs are disabled: every object belongs to account B whoever wrote it.
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "archive" {
  bucket                  = aws_s3_bucket.archive.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "archive" {
  bucket = aws_s3_bucket.archive.id

  versioning_configuration {
    status = "Enabled"
  }
}

# --- Object Lock ----------------------------------------------------------------

# Every new object version gets the default retention object_lock (default
# GOVERNANCE, 365 days; variables_protection.tf says why): until its
# retain-until date no one can delete or overwrite that version, and under
# GOVERNANCE only a principal allowed s3:BypassGovernanceRetention can, which
# the bucket policy denies to all but the break-glass principals
# (protection.tf).
#
# Turned on with PutObjectLockConfiguration on the versioned bucket, not with
# aws_s3_bucket's object_lock_enabled, which forces a new bucket: an archive
# deployed before this change gets the lock in place. S3 allows it ("You can
# enable Object Lock for an existing S3 bucket ... Object Lock works only
# with versioned buckets", S3 User Guide, Configuring S3 Object Lock; since
# November 2023 without a token from AWS Support), and so does the provider:
# this resource "can be used enable Object Lock for new and existing
# buckets" (AWS provider docs, aws_s3_bucket_object_lock_configuration).
# There is no way back: "After you enable Object Lock on a bucket, you can't
# disable Object Lock or suspend versioning for that bucket." object_lock =
# null later removes the default retention only; locked versions stay locked.
resource "aws_s3_bucket_object_lock_configuration" "archive" {
  count = var.object_lock == null ? 0 : 1

  bucket              = aws_s3_bucket.archive.id
  object_lock_enabled = "Enabled"

  rule {
    default_retention {
      mode = var.object_lock.mode
      days = var.object_lock.days
    }
  }

  # S3 refuses an Object Lock configuration until versioning is Enabled.
  depends_on = [aws_s3_bucket_versioning.archive]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  bucket = aws_s3_bucket.archive.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_enabled ? "aws:kms" : "AES256"
      kms_master_key_id = local.kms_key_arn
    }
    # One KMS call per bucket key instead of per object: cheaper, and fewer
    # throttling surprises when the shipper catches up on a backlog.
    bucket_key_enabled = var.kms_enabled
  }
}

resource "aws_s3_bucket_logging" "archive" {
  count = var.access_log_bucket_name == null ? 0 : 1

  bucket        = aws_s3_bucket.archive.id
  target_bucket = var.access_log_bucket_name
  target_prefix = "${var.archive_bucket_name}/"
}

# The lifecycle configuration is in lifecycle.tf, the bucket policy in
# bucket_policy.tf, the key in kms.tf, the writer roles in writers.tf, who
# may change the protections in protection.tf and the alarms on such changes
# in alarms.tf.
