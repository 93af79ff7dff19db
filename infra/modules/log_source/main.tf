# Account A: an audited bucket whose server access logs land in a log bucket;
# object-created events on the log bucket go to SQS and drive the shipper
# Lambda (shipper.tf), which copies each log object to the archive in B.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  policy_dir = "${path.module}/../../policies"

  # Derived from the name, not from account B's state, so account A can be
  # applied before B exists (see "Apply order" in infra/README.md).
  archive_bucket_arn = "arn:${local.partition}:s3:::${var.archive_bucket_name}"

  shipper_role_name = coalesce(var.shipper_role_name, "${var.name_prefix}-shipper")
  function_name     = "${var.name_prefix}-shipper"
  log_group_name    = "/aws/lambda/${local.function_name}"

  # The queue must hide a message for longer than one invocation may take,
  # including the time spent waiting to fill the batch (AWS guidance: 6x).
  queue_visibility_timeout_seconds = 6 * var.function_timeout_seconds + var.maximum_batching_window_in_seconds

  sse_algorithm = var.kms_enabled ? "aws:kms" : "AES256"
  kms_key_arn   = var.kms_enabled ? aws_kms_key.source[0].arn : null

  buckets = {
    audited     = aws_s3_bucket.audited
    access_logs = aws_s3_bucket.access_logs
  }

  # The one deny-insecure-transport document (tls-only.json.tpl), also merged
  # into the queue policy (queue.tf) and the archive bucket policy in B.
  tls_only_policies = {
    for role, bucket in local.buckets :
    role => templatefile("${local.policy_dir}/tls-only.json.tpl", {
      tls_only_service_prefix = "s3"
      tls_only_resource_arns  = [bucket.arn, "${bucket.arn}/*"]
    })
  }
}

# ---------------------------------------------------------------------------
# Optional customer managed key for both buckets
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "source_key_admin" {
  #checkov:skip=CKV_AWS_109:Key policy; Resource "*" means this key only. Delegates key administration to the account's IAM policies, as the AWS default key policy does.
  #checkov:skip=CKV_AWS_111:Key policy; Resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:Key policy; Resource "*" means this key only.
  statement {
    sid       = "DelegateKeyAccessToAccountIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${var.source_account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "source_key_log_delivery" {
  statement {
    sid       = "AllowS3LogDeliveryToEncrypt"
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.source_account_id]
    }
  }
}

data "aws_iam_policy_document" "source_key" {
  source_policy_documents = [
    data.aws_iam_policy_document.source_key_admin.json,
    data.aws_iam_policy_document.source_key_log_delivery.json,
  ]
}

resource "aws_kms_key" "source" {
  count = var.kms_enabled ? 1 : 0

  description             = "${var.name_prefix}: SSE-KMS for the audited and access log buckets"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.source_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "source" {
  count = var.kms_enabled ? 1 : 0

  name          = "alias/${var.name_prefix}-source"
  target_key_id = aws_kms_key.source[0].key_id
}

# ---------------------------------------------------------------------------
# Audited bucket
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "audited" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-deployment decision; the access logs themselves are copied to the archive account.
  #checkov:skip=CKV2_AWS_62:Event notifications are configured on the access log bucket, which is what the shipper consumes.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; SSE-KMS with a customer managed key when kms_enabled = true (checkov cannot see the conditional).
  bucket        = var.audited_bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_logging" "audited" {
  bucket        = aws_s3_bucket.audited.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${var.access_log_prefix}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  # S3 checks the log bucket policy when logging is enabled.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

# ---------------------------------------------------------------------------
# Access log bucket
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access log target; logging it to itself would log its own log deliveries in a loop.
  #checkov:skip=CKV_AWS_144:Its objects are replicated to the archive account by the shipper, not by S3 replication.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; SSE-KMS with a customer managed key when kms_enabled = true (checkov cannot see the conditional).
  bucket        = var.access_log_bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

data "aws_iam_policy_document" "access_logs_delivery" {
  statement {
    sid       = "AllowS3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/${var.access_log_prefix}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.audited.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.source_account_id]
    }
  }
}

data "aws_iam_policy_document" "access_logs" {
  source_policy_documents = concat(
    [
      local.tls_only_policies["access_logs"],
      data.aws_iam_policy_document.access_logs_delivery.json,
    ],
    # Grants owned by other configurations, e.g. athena_direct's analyst role.
    var.access_log_bucket_policy_documents,
  )
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.bucket]
}

resource "aws_s3_bucket_policy" "audited" {
  bucket = aws_s3_bucket.audited.id
  policy = local.tls_only_policies["audited"]

  depends_on = [aws_s3_bucket_public_access_block.bucket]
}

# ---------------------------------------------------------------------------
# Settings shared by both buckets
# ---------------------------------------------------------------------------

resource "aws_s3_bucket_ownership_controls" "bucket" {
  for_each = local.buckets

  bucket = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "bucket" {
  for_each = local.buckets

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "bucket" {
  for_each = local.buckets

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bucket" {
  for_each = local.buckets

  bucket = each.value.id

  rule {
    bucket_key_enabled = var.kms_enabled

    apply_server_side_encryption_by_default {
      sse_algorithm     = local.sse_algorithm
      kms_master_key_id = local.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "audited" {
  bucket = aws_s3_bucket.audited.id

  rule {
    id     = "expire-noncurrent-and-abandoned-uploads"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.bucket]
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-shipped-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.bucket]
}
