# Account B: the locked-down archive bucket logferry ships into for every
# source account (A) in source_accounts, its optional customer-managed KMS
# key and, for each assume-role account, a writer role of its own. Every
# source account is fenced into <archive_prefix>/<its account id>/.

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
  count = var.organization_id == null ? 0 : 1

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
      values   = [var.organization_id]
    }
  }
}

# What a write may not ask for, whoever sends it: the write guard
# (archive-bucket-write-guard.json.tpl, a file the emulator tests can merge
# too) denies SSE-C, an SSE algorithm other than this archive's, and a storage
# class other than STANDARD; the two documents below deny a KMS key other than
# this archive's. Each deny looks only at a header the request sends
# (Null = false). The writers send none of them: the shipper's PutObject,
# CopyObject, CreateMultipartUpload and UploadPartCopy and the compactor's
# writes carry x-amz-acl and checksum headers only, so they get the bucket
# default encryption and STANDARD ("You can specify a storage class for an
# object when you upload it. If you don't, Amazon S3 uses the default Amazon
# S3 Standard storage class for objects in general purpose buckets", S3 User
# Guide, Setting the storage class of an object). s3:PutObject also
# authorizes CreateMultipartUpload, UploadPart and UploadPartCopy, so
# multipart writes are held to the same.
#   - SSE-C (s3:x-amz-server-side-encryption-customer-algorithm present, as in
#     AWS's own deny-SSE-C resource control policy example): the key would be
#     the writer's alone, and B could not read what it archives.
#   - Storage class (s3:x-amz-storage-class present and not STANDARD): Athena
#     and the compactor read with GetObject, which GLACIER and DEEP_ARCHIVE
#     objects refuse until restored. Lifecycle transitions (lifecycle.tf) are
#     S3's own and not subject to the bucket policy.
#
# With KMS, a named key must be this key's ARN. The condition key holds what
# the request says and is compared as a string, so a key id or an alias
# (which resolves in the caller's account) is refused too: writers name the
# key by its ARN (output kms_key_arn) or not at all. A request naming aws:kms
# without a key is refused as well: "If you specify
# x-amz-server-side-encryption:aws:kms or aws:kms:dsse, but do not provide
# x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the AWS managed
# key (aws/s3) to protect the data" (S3 API Reference, PutObject), not the
# bucket default.
data "aws_iam_policy_document" "require_archive_key" {
  count = var.kms_enabled ? 1 : 0

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

  statement {
    sid       = "DenyKmsWithoutArchiveKey"
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
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["true"]
    }
  }
}

# With SSE-S3 there is no key to name: any KMS key id is someone else's.
data "aws_iam_policy_document" "forbid_kms_keys" {
  count = var.kms_enabled ? 0 : 1

  statement {
    sid       = "DenyKmsKeys"
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
  }
}

data "aws_iam_policy_document" "archive_bucket" {
  source_policy_documents = concat(
    # TLS only, then (with any direct account) partition-scoped writes with
    # bucket-owner-full-control: the same two files, merged the same way,
    # that the emulator tests apply. Assume-role accounts write as their
    # writer role in this account, which needs no bucket policy grant. Then
    # the denies: outside the organization, and what a write may not ask for
    # (the write guard, then the key).
    [
      templatefile("${local.policies}/tls-only.json.tpl", {
        tls_only_service_prefix = "s3"
        tls_only_resource_arns  = [aws_s3_bucket.archive.arn, "${aws_s3_bucket.archive.arn}/*"]
      }),
    ],
    length(local.direct_accounts) == 0 ? [] : [
      templatefile("${local.policies}/archive-bucket-policy.json.tpl", {
        archive_bucket_arn    = aws_s3_bucket.archive.arn
        archive_prefix        = var.archive_prefix
        writer_account_arns   = local.direct_writer_account_arns
        writer_principal_arns = local.direct_writer_principal_arns
      }),
    ],
    data.aws_iam_policy_document.org_guard[*].json,
    [
      templatefile("${local.policies}/archive-bucket-write-guard.json.tpl", {
        archive_bucket_arn    = aws_s3_bucket.archive.arn
        archive_sse_algorithm = local.archive_sse_algorithm
        archive_storage_class = local.archive_storage_class
      }),
    ],
    data.aws_iam_policy_document.require_archive_key[*].json,
    data.aws_iam_policy_document.forbid_kms_keys[*].json,
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
      # Direct accounts' roots and patterns, plus this account's root with
      # the writer roles' ARNs as patterns (same account, so the key policy
      # alone grants them).
      writer_account_arns = concat(
        local.direct_writer_account_arns,
        length(local.assume_role_accounts) == 0 ? [] : [local.account_root_arn],
      )
      writer_principal_arns = concat(
        local.direct_writer_principal_arns,
        [for id in sort(keys(local.assume_role_accounts)) : aws_iam_role.writer[id].arn],
      )
      s3_via_service     = local.s3_via_service
      archive_bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.archive_bucket_name}"
      archive_prefix     = var.archive_prefix
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

# --- Writer roles (one per assume-role account) ---------------------------------------

# Trust: that account's root, its own patterns and its own external id
# (writer-role-trust.json.tpl), plus with organization_id a deny for a
# caller outside the organization (should the account ever leave it).
data "aws_iam_policy_document" "writer_trust" {
  for_each = local.assume_role_accounts

  source_policy_documents = [templatefile("${local.policies}/writer-role-trust.json.tpl", {
    shipper_account_arns   = [each.value.account_arn]
    shipper_principal_arns = each.value.writer_principal_arns
    external_id            = each.value.external_id
  })]

  dynamic "statement" {
    for_each = var.organization_id == null ? [] : [var.organization_id]
    content {
      sid     = "DenyAssumeFromOutsideOrganization"
      effect  = "Deny"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = [each.value.account_arn]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:PrincipalOrgID"
        values   = [statement.value]
      }
    }
  }
}

resource "aws_iam_role" "writer" {
  for_each = local.assume_role_accounts

  name                 = "${var.writer_role_name_prefix}-${each.key}"
  description          = "Assumed by the logferry shipper in account ${each.key} to write into ${var.archive_bucket_name}/${var.archive_prefix}/${each.key}/"
  max_session_duration = 3600
  permissions_boundary = var.writer_role_permissions_boundary_arn
  tags                 = var.tags

  assume_role_policy = data.aws_iam_policy_document.writer_trust[each.key].json
}

data "aws_iam_policy_document" "writer" {
  for_each = local.assume_role_accounts

  source_policy_documents = concat(
    # Same account as the bucket, so no ACL header is required (ownership is
    # enforced anyway) and multipart uploads work part by part. Only this
    # account's partition.
    [templatefile("${local.policies}/writer-role-permissions.json.tpl", {
      archive_bucket_arn = aws_s3_bucket.archive.arn
      archive_prefix     = var.archive_prefix
      source_account_id  = each.key
    })],
    # The key's encryption context, narrowed to the same partition.
    var.kms_enabled ? [templatefile("${local.policies}/archive-kms-encrypt.json.tpl", {
      archive_kms_key_arns = [local.kms_key_arn]
      archive_bucket_arn   = aws_s3_bucket.archive.arn
      archive_prefix       = "${var.archive_prefix}/${each.key}"
    })] : [],
  )
}

resource "aws_iam_role_policy" "writer" {
  for_each = local.assume_role_accounts

  name   = "archive-write"
  role   = aws_iam_role.writer[each.key].id
  policy = data.aws_iam_policy_document.writer[each.key].json
}
