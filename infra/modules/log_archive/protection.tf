# Who may change what protects the archive, and the organization guard to
# add on top.
#
# The bucket policy (archive-bucket-admin-guard.json.tpl, merged in
# bucket_policy.tf) denies changing the bucket policy, lifecycle, versioning
# and Object Lock configuration, and deleting a version or bypassing,
# shortening or lifting its retention, to every principal but:
#   - the break-glass role made here, which B's principals in
#     break_glass_trusted_principal_arns may assume with MFA, and which is
#     alarmed (alarms.tf): an accidental secret, an erasure order;
#   - protection_admin_principal_arns: the role that applies this module.
#     Every later change to the bucket policy (a new source account), the
#     lifecycle, versioning or the lock is applied as one of these.
# The key policy (kms.tf) lets the key-admin role made here and
# key_admin_principal_arns administer the key, and nobody else.
#
# What neither can stop is B's root user: "the root principal in a bucket
# owner's Amazon Web Services account can perform the GetBucketPolicy,
# PutBucketPolicy, and DeleteBucketPolicy API actions, even if their bucket
# policy explicitly denies the root principal's access. Bucket owner root
# principals can only be blocked from performing these API actions by VPC
# endpoint policies and Amazon Web Services Organizations policies" (S3 API
# Reference, DeleteBucketPolicy). Hence the organization guard below, a
# resource control policy the management account attaches (README).

locals {
  # aws:PrincipalArn patterns the admin guard and the organization guard
  # exempt.
  break_glass_principal_arns = concat([aws_iam_role.break_glass.arn], var.protection_admin_principal_arns)
  key_admin_principal_arns   = concat(aws_iam_role.key_admin[*].arn, var.key_admin_principal_arns)

  # Who may assume each role: B's principals, with MFA, and when a list is
  # given only those.
  protection_roles = merge(
    { break-glass = var.break_glass_trusted_principal_arns },
    var.kms_enabled ? { key-admin = var.key_admin_trusted_principal_arns } : {},
  )

  # Rendered with the archive key when there is one; an SSE-S3 archive's
  # guard has no key statement.
  organization_guard_document = jsondecode(templatefile("${local.policies}/archive-organization-guard-rcp.json.tpl", {
    archive_bucket_arn         = aws_s3_bucket.archive.arn
    break_glass_principal_arns = local.break_glass_principal_arns
    archive_kms_key_arns       = var.kms_enabled ? [local.kms_key_arn] : []
    key_admin_principal_arns   = local.key_admin_principal_arns
  }))
  organization_guard_policy = jsonencode(merge(local.organization_guard_document, {
    Statement = [for s in local.organization_guard_document.Statement : s if var.kms_enabled || !startswith(s.Sid, "DenyArchiveKey")]
  }))
}

data "aws_iam_policy_document" "protection_role_trust" {
  for_each = local.protection_roles

  statement {
    sid     = "AssumeFromThisAccountWithMfa"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }

    dynamic "condition" {
      for_each = length(each.value) == 0 ? [] : [each.value]
      content {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = condition.value
      }
    }
  }
}

# Unlocks the archive's protections: its use is the alarm (alarms.tf fires on
# every change it makes to the bucket policy, lifecycle, versioning or lock).
resource "aws_iam_role" "break_glass" {
  name                 = "${var.name_prefix}-break-glass"
  description          = "Break-glass: may change the protections of ${var.archive_bucket_name} and remove locked versions (GOVERNANCE). Every use is alarmed."
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.protection_role_trust["break-glass"].json
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = alltrue([for arn in var.break_glass_trusted_principal_arns : split(":", arn)[4] == data.aws_caller_identity.current.account_id])
      error_message = "break_glass_trusted_principal_arns must be principals of this account (${data.aws_caller_identity.current.account_id}): the trust names only its root."
    }
  }
}

resource "aws_iam_role_policy" "break_glass" {
  name = "archive-break-glass"
  role = aws_iam_role.break_glass.id
  policy = templatefile("${local.policies}/archive-break-glass.json.tpl", {
    archive_bucket_arn = aws_s3_bucket.archive.arn
  })
}

# Owns the archive key's policy. It needs no identity policy: the key policy
# names it, which is enough for a principal of the key's own account.
resource "aws_iam_role" "key_admin" {
  count = var.kms_enabled ? 1 : 0

  name                 = "${var.name_prefix}-key-admin"
  description          = "Administers the KMS key of ${var.archive_bucket_name}; B's root may only use it. Every key policy change or deletion is alarmed."
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.protection_role_trust["key-admin"].json
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = alltrue([for arn in var.key_admin_trusted_principal_arns : split(":", arn)[4] == data.aws_caller_identity.current.account_id])
      error_message = "key_admin_trusted_principal_arns must be principals of this account (${data.aws_caller_identity.current.account_id}): the trust names only its root."
    }
  }
}
