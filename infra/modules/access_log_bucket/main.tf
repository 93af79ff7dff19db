# Optional, for accounts that have no log bucket yet: a new server access log
# bucket and, optionally, new audited buckets that log into it. Existing
# buckets are never touched here; log_source attaches to a log bucket whether
# this module created it or not.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  policy_dir = "${path.module}/../../policies"

  log_bucket_arn = "arn:${local.partition}:s3:::${var.log_bucket_name}"

  # Every bucket allowed to deliver server access logs here: the audited
  # buckets created below and existing ones the caller points at this bucket.
  log_delivery_source_bucket_arns = distinct(concat(
    [for name in sort(tolist(var.audited_bucket_names)) : "arn:${local.partition}:s3:::${name}"],
    var.log_delivery_source_bucket_arns,
  ))

  sse_algorithm = var.kms_enabled ? "aws:kms" : "AES256"
  kms_key_arn   = var.kms_enabled ? aws_kms_key.buckets[0].arn : null

  # Keyed by bucket name (known at plan: names come from variables).
  buckets = merge(
    { (var.log_bucket_name) = aws_s3_bucket.log },
    aws_s3_bucket.audited,
  )

  # The one deny-insecure-transport document (tls-only.json.tpl), as on every
  # bucket and queue of logferry.
  tls_only_policies = {
    for name in keys(local.buckets) :
    name => templatefile("${local.policy_dir}/tls-only.json.tpl", {
      tls_only_service_prefix = "s3"
      tls_only_resource_arns  = ["arn:${local.partition}:s3:::${name}", "arn:${local.partition}:s3:::${name}/*"]
    })
  }
}

# ---------------------------------------------------------------------------
# Optional customer managed key for the new buckets
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "key_admin" {
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

data "aws_iam_policy_document" "key_log_delivery" {
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

data "aws_iam_policy_document" "key" {
  source_policy_documents = [
    data.aws_iam_policy_document.key_admin.json,
    data.aws_iam_policy_document.key_log_delivery.json,
  ]
}

resource "aws_kms_key" "buckets" {
  count = var.kms_enabled ? 1 : 0

  description             = "logferry: SSE-KMS for ${var.log_bucket_name} and the audited buckets created with it"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "buckets" {
  count = var.kms_enabled ? 1 : 0

  name          = "alias/${var.log_bucket_name}"
  target_key_id = aws_kms_key.buckets[0].key_id
}

# ---------------------------------------------------------------------------
# Log bucket
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "log" {
  #checkov:skip=CKV_AWS_18:This is the access log target; logging it to itself would log its own log deliveries in a loop.
  #checkov:skip=CKV_AWS_144:Its objects are copied to the archive account by the shipper, not by S3 replication.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; SSE-KMS with a customer managed key when kms_enabled = true (checkov cannot see the conditional).
  #checkov:skip=CKV2_AWS_62:S3 -> EventBridge delivery is turned on by log_source (eventbridge_notification_buckets), which owns the subscription.
  bucket        = var.log_bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.current.account_id == var.source_account_id
      error_message = "The aws provider given to access_log_bucket is not in source_account_id."
    }
  }
}

data "aws_iam_policy_document" "log_delivery" {
  count = length(local.log_delivery_source_bucket_arns) > 0 ? 1 : 0

  statement {
    sid       = "AllowS3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${local.log_bucket_arn}/${var.log_prefix}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = local.log_delivery_source_bucket_arns
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.source_account_id]
    }
  }
}

data "aws_iam_policy_document" "log" {
  source_policy_documents = concat(
    [local.tls_only_policies[var.log_bucket_name]],
    data.aws_iam_policy_document.log_delivery[*].json,
    # Grants owned by other configurations, e.g. athena_direct's analyst role.
    var.log_bucket_policy_documents,
  )
}

resource "aws_s3_bucket_policy" "log" {
  bucket = aws_s3_bucket.log.id
  policy = data.aws_iam_policy_document.log.json

  depends_on = [aws_s3_bucket_public_access_block.bucket]
}

resource "aws_s3_bucket_lifecycle_configuration" "log" {
  bucket = aws_s3_bucket.log.id

  rule {
    id     = "expire-noncurrent-and-abandoned-uploads"
    status = "Enabled"

    filter {}

    # Off by default: nothing is deleted unless log_expiration_days is set.
    dynamic "expiration" {
      for_each = var.log_expiration_days == null ? [] : [var.log_expiration_days]

      content {
        days = expiration.value
      }
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

# ---------------------------------------------------------------------------
# Optional new audited buckets, logging into the log bucket
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "audited" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-deployment decision; the access logs themselves are copied to the archive account.
  #checkov:skip=CKV2_AWS_62:Event notifications are consumed on the log bucket, which is what the shipper reads.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; SSE-KMS with a customer managed key when kms_enabled = true (checkov cannot see the conditional).
  for_each = var.audited_bucket_names

  bucket        = each.key
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_logging" "audited" {
  for_each = aws_s3_bucket.audited

  bucket        = each.value.id
  target_bucket = aws_s3_bucket.log.id
  target_prefix = "${var.log_prefix}/"

  # <prefix>/<account>/<region>/<audited bucket>/<yyyy>/<MM>/<dd>/...: what
  # lets the shipper partition the archive by audited bucket and event day.
  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  # S3 checks the log bucket policy when logging is enabled.
  depends_on = [aws_s3_bucket_policy.log]
}

resource "aws_s3_bucket_policy" "audited" {
  for_each = aws_s3_bucket.audited

  bucket = each.value.id
  policy = local.tls_only_policies[each.key]

  depends_on = [aws_s3_bucket_public_access_block.bucket]
}

resource "aws_s3_bucket_lifecycle_configuration" "audited" {
  for_each = aws_s3_bucket.audited

  bucket = each.value.id

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

# ---------------------------------------------------------------------------
# Settings shared by every bucket created here
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
