# Account B: the locked-down archive bucket logferry ships into, its optional
# customer-managed KMS key and, in assume-role mode, the writer role the
# shipper in account A assumes.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  policies = "${path.module}/../../policies"

  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  # Only S3 in the bucket's own region may use the key on a writer's behalf.
  s3_via_service = "s3.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"

  assume_role = var.mode == "assume-role"
  # Who the bucket policy and key policy let write: the shipper's own role(s)
  # in A (direct) or the writer role below (assume-role).
  writer_principal_arns = local.assume_role ? [aws_iam_role.writer[0].arn] : var.writer_principal_arns

  kms_key_arn = var.kms_enabled ? aws_kms_key.archive[0].arn : null

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

  lifecycle {
    precondition {
      condition     = local.assume_role ? length(var.shipper_principal_arns) > 0 && var.external_id != null : length(var.writer_principal_arns) > 0
      error_message = "mode = \"direct\" needs writer_principal_arns; mode = \"assume-role\" needs shipper_principal_arns and external_id."
    }
  }
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

# The lifecycle configuration is in lifecycle.tf.

# --- Bucket policy: one concern per document ----------------------------------

data "aws_iam_policy_document" "org_guard" {
  count = var.principal_org_id == null ? 0 : 1

  statement {
    sid       = "DenyWritesFromOutsideOrganization"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalOrgID"
      values   = [var.principal_org_id]
    }
  }
}

# A writer must not pick its own encryption: objects under SSE-S3 or under a
# key of account A would be archived but unreadable (or not governed) by B.
# Only requests that name an algorithm or key are checked (Null = false);
# the rest get the bucket default, which is this key.
data "aws_iam_policy_document" "require_archive_key" {
  count = var.kms_enabled ? 1 : 0

  statement {
    sid       = "DenyOtherEncryptionAlgorithms"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  statement {
    sid       = "DenyOtherKmsKeys"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.archive.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [local.kms_key_arn]
    }
  }
}

data "aws_iam_policy_document" "archive_bucket" {
  source_policy_documents = concat(
    # TLS only, then prefix-scoped writes with bucket-owner-full-control: the
    # same two files, merged the same way, that the emulator tests apply.
    [
      templatefile("${local.policies}/tls-only.json.tpl", {
        tls_only_service_prefix = "s3"
        tls_only_resource_arns  = [aws_s3_bucket.archive.arn, "${aws_s3_bucket.archive.arn}/*"]
      }),
      templatefile("${local.policies}/archive-bucket-policy.json.tpl", {
        archive_bucket_arn    = aws_s3_bucket.archive.arn
        archive_prefix        = var.archive_prefix
        writer_principal_arns = local.writer_principal_arns
      }),
    ],
    data.aws_iam_policy_document.org_guard[*].json,
    data.aws_iam_policy_document.require_archive_key[*].json,
  )
}

resource "aws_s3_bucket_policy" "archive" {
  bucket = aws_s3_bucket.archive.id
  policy = data.aws_iam_policy_document.archive_bucket.json

  # PutBucketPolicy is refused while Block Public Access is being applied.
  depends_on = [aws_s3_bucket_public_access_block.archive]
}

# --- KMS key --------------------------------------------------------------------

# Writers get GenerateDataKey *and* Decrypt: "To upload or download an object
# encrypted with an AWS KMS key to or from Amazon S3, you need
# kms:GenerateDataKey and kms:Decrypt permissions on the key" (S3 user guide,
# SSE-KMS permissions); multipart uploads fail without Decrypt.
data "aws_iam_policy_document" "archive_key" {
  count = var.kms_enabled ? 1 : 0

  source_policy_documents = concat(
    [templatefile("${local.policies}/archive-kms-key-policy.json.tpl", {
      key_admin_principal_arn = local.account_root_arn
      writer_principal_arns   = local.writer_principal_arns
      s3_via_service          = local.s3_via_service
      archive_bucket_arn      = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"
      archive_prefix          = var.archive_prefix
    })],
    # Analysts read the originals and the compacted copies.
    length(var.analyst_principal_arns) == 0 ? [] : [
      templatefile("${local.policies}/archive-kms-analyst-decrypt.json.tpl", {
        analyst_principal_arns = var.analyst_principal_arns
        s3_via_service         = local.s3_via_service
        archive_bucket_arn     = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"
        archive_prefix         = var.archive_prefix
        query_prefix           = local.query_prefix
      })
    ],
    # The compactor in this account decrypts originals and encrypts the
    # copies it writes (GenerateDataKey; Decrypt also serves its multipart
    # uploads). Named here because the key policy delegates no use to IAM.
    # With the Bucket Key on, S3's encryption context is the bucket ARN; the
    # two object forms cover objects written without one.
    length(var.compactor_principal_arns) == 0 ? [] : [
      templatefile("${local.policies}/archive-kms-compactor.json.tpl", {
        compactor_principal_arns = var.compactor_principal_arns
        s3_via_service           = local.s3_via_service
        archive_bucket_arn       = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"
        archive_prefix           = var.archive_prefix
        query_prefix             = local.query_prefix
      })
    ],
  )
}

resource "aws_kms_key" "archive" {
  count = var.kms_enabled ? 1 : 0

  description             = "logferry archive bucket ${var.archive_bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.archive_key[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "archive" {
  count = var.kms_enabled ? 1 : 0

  # For people and tooling in account B only: an alias resolves in the
  # caller's account, so writers in account A must be given the key ARN.
  name          = coalesce(var.kms_key_alias, "alias/${replace(var.archive_bucket_name, ".", "-")}")
  target_key_id = aws_kms_key.archive[0].key_id
}

# --- Writer role (assume-role mode) ------------------------------------------------

resource "aws_iam_role" "writer" {
  count = local.assume_role ? 1 : 0

  name                 = var.writer_role_name
  description          = "Assumed by the logferry shipper in the source account to write into ${var.archive_bucket_name}/${var.archive_prefix}/"
  max_session_duration = 3600
  permissions_boundary = var.writer_role_permissions_boundary_arn
  tags                 = var.tags

  assume_role_policy = templatefile("${local.policies}/writer-role-trust.json.tpl", {
    shipper_principal_arns = var.shipper_principal_arns
    external_id            = var.external_id
  })
}

data "aws_iam_policy_document" "writer" {
  count = local.assume_role ? 1 : 0

  source_policy_documents = concat(
    # Same account as the bucket, so no ACL header is required (ownership is
    # enforced anyway) and multipart uploads work part by part.
    [templatefile("${local.policies}/writer-role-permissions.json.tpl", {
      archive_bucket_arn = aws_s3_bucket.archive.arn
      archive_prefix     = var.archive_prefix
    })],
    var.kms_enabled ? [templatefile("${local.policies}/archive-kms-encrypt.json.tpl", {
      archive_kms_key_arns = [local.kms_key_arn]
      archive_bucket_arn   = aws_s3_bucket.archive.arn
      archive_prefix       = var.archive_prefix
    })] : [],
  )
}

resource "aws_iam_role_policy" "writer" {
  count = local.assume_role ? 1 : 0

  name   = "archive-write"
  role   = aws_iam_role.writer[0].id
  policy = data.aws_iam_policy_document.writer[0].json
}
