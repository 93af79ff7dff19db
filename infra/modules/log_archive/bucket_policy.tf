# The archive bucket's policy: one concern per document, merged in one
# aws_iam_policy_document.

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
    # No write may replace an archived object: under the archive prefix, an
    # object-creating PutObject or CompleteMultipartUpload without
    # If-None-Match is denied (archive-bucket-no-overwrite.json.tpl; such a
    # policy also refuses CopyObject). The writers send If-None-Match: * and
    # take a 412 as "already there".
    var.require_conditional_writes ? [
      templatefile("${local.policies}/archive-bucket-no-overwrite.json.tpl", {
        archive_bucket_arn = aws_s3_bucket.archive.arn
        archive_prefix     = var.archive_prefix
      }),
    ] : [],
    # Who may change the protections or destroy versions (protection.tf).
    [
      templatefile("${local.policies}/archive-bucket-admin-guard.json.tpl", {
        archive_bucket_arn         = aws_s3_bucket.archive.arn
        break_glass_principal_arns = local.break_glass_principal_arns
      }),
    ],
  )
}

resource "aws_s3_bucket_policy" "archive" {
  bucket = aws_s3_bucket.archive.id
  policy = data.aws_iam_policy_document.archive_bucket.json

  # PutBucketPolicy is refused while Block Public Access is being applied.
  # The admin guard lands last: once it is on, only the break-glass and
  # protection admin principals may change the lifecycle, versioning and
  # lock, so on a first apply those go first.
  depends_on = [
    aws_s3_bucket_public_access_block.archive,
    aws_s3_bucket_versioning.archive,
    aws_s3_bucket_lifecycle_configuration.archive,
    aws_s3_bucket_object_lock_configuration.archive,
  ]
}
