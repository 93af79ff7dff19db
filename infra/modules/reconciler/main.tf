# The role `logferry reconcile` runs as, in account B: for one day it lists a
# source account's log bucket in A and the matching partition of the archive
# in B and reports what is missing on either side. It may only list (each
# bucket limited by s3:prefix), locate the source buckets and, optionally,
# read S3 Inventory reports; it reads no log object and writes nothing.
#
# It runs in B because the archive grants nothing to A: A's principals may
# write (and read back) only their own partition, never list the bucket.
# The other way round is the pattern athena_direct already uses: A grants
# B's role a read of its log prefix in the log bucket's policy. A bucket has
# one policy, which A manages, so this module renders A's statements
# (output source_bucket_policy_json) instead of writing them.
#
# One inline policy per concern and per source bucket: a template takes no
# loop, and each source bucket has its own s3:prefix condition, which one
# statement over all buckets could not keep apart.

data "aws_partition" "current" {}

locals {
  partition          = data.aws_partition.current.partition
  policy_dir         = "${path.module}/../../policies"
  role_name          = "${var.name_prefix}-reconcile"
  archive_bucket_arn = "arn:${local.partition}:s3:::${var.archive_bucket_name}"

  source_log_buckets = { for b in var.source_log_buckets : b.bucket_arn => b }

  archive_list_policy = templatefile("${local.policy_dir}/reconcile.json.tpl", {
    archive_bucket_arn = local.archive_bucket_arn
    archive_prefix     = var.archive_prefix
  })

  source_list_policies = {
    for arn, b in local.source_log_buckets : arn => templatefile("${local.policy_dir}/reconcile-source-list.json.tpl", {
      log_bucket_arn = arn
      log_key_prefix = b.key_prefix
    })
  }

  # HeadObject, which reads the source ETag an archived copy recorded,
  # needs s3:GetObject: "To use HEAD, you must have READ access to the
  # object" (S3 API Reference, HeadObject). That also lets the role read
  # the logs, so it is granted only when asked (compare_etags).
  etags_policy = !var.compare_etags ? null : templatefile("${local.policy_dir}/reconcile-etags.json.tpl", {
    archive_bucket_arn = local.archive_bucket_arn
    archive_prefix     = var.archive_prefix
  })

  inventory_read_policy = length(var.inventory_arns) == 0 ? null : templatefile("${local.policy_dir}/reconcile-inventory-read.json.tpl", {
    inventory_object_arns = var.inventory_arns
  })
}

# Trusted by the named roles and users themselves, not by their accounts'
# roots (as log_source's redrive role).
resource "aws_iam_role" "reconcile" {
  name                 = local.role_name
  description          = "logferry reconcile: lists source log buckets and ${var.archive_bucket_name}/${var.archive_prefix}/ to compare them"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = templatefile("${local.policy_dir}/reconcile-trust.json.tpl", {
    reconcile_trusted_principal_arns = var.trusted_principal_arns
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "archive_list" {
  name   = "${local.role_name}-archive"
  role   = aws_iam_role.reconcile.id
  policy = local.archive_list_policy
}

# Policy names allow the characters of a bucket name and 128 of them:
# <name_prefix (32)>-reconcile-list-<bucket (63)> fits.
resource "aws_iam_role_policy" "source_list" {
  for_each = local.source_list_policies

  name   = "${local.role_name}-list-${split(":::", each.key)[1]}"
  role   = aws_iam_role.reconcile.id
  policy = each.value
}

resource "aws_iam_role_policy" "inventory_read" {
  count = local.inventory_read_policy == null ? 0 : 1

  name   = "${local.role_name}-inventory"
  role   = aws_iam_role.reconcile.id
  policy = local.inventory_read_policy
}

resource "aws_iam_role_policy" "etags" {
  count = local.etags_policy == null ? 0 : 1

  name   = "${local.role_name}-etags"
  role   = aws_iam_role.reconcile.id
  policy = local.etags_policy
}
