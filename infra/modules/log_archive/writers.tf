# One writer role in account B per assume-role source account.

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
