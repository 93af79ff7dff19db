# The archive's customer-managed KMS key (kms_enabled), its policy and alias.
#
# Who may administer it (PutKeyPolicy, DisableKey, ScheduleKeyDeletion, ...):
# the key-admin role (protection.tf) and key_admin_principal_arns, and no one
# else; B's root only delegates use (Encrypt, Decrypt, ReEncrypt*,
# GenerateDataKey*, DescribeKey) to B's IAM policies, so an IAM administrator
# of B cannot rewrite the key policy or schedule the key's deletion.
# key_admin_principal_arns must name whoever applies this module: "If you
# don't set BypassPolicyLockoutSafetyCheck to true, the key policy must allow
# the principal that is making the PutKeyPolicy request to make a subsequent
# PutKeyPolicy request on the KMS key" (KMS API Reference, PutKeyPolicy; the
# same holds for the caller of CreateKey), and Terraform reads the key policy
# back on every plan.
#
# Writers get GenerateDataKey *and* Decrypt: "To upload or download an object
# encrypted with an AWS KMS key to or from Amazon S3, you need
# kms:GenerateDataKey and kms:Decrypt permissions on the key" (S3 user guide,
# SSE-KMS permissions); multipart uploads fail without Decrypt.
data "aws_iam_policy_document" "archive_key" {
  count = var.kms_enabled ? 1 : 0

  source_policy_documents = concat(
    [templatefile("${local.policies}/archive-kms-key-policy.json.tpl", {
      key_admin_principal_arns = local.key_admin_principal_arns
      account_root_arn         = local.account_root_arn
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
    # uploads). Named here, scoped to S3 and this bucket, so that the key
    # policy alone grants it.
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

  lifecycle {
    precondition {
      condition     = length(var.key_admin_principal_arns) > 0
      error_message = "key_admin_principal_arns must name the role that applies this module: KMS refuses a key policy that would not let its caller call PutKeyPolicy again."
    }
  }
}

resource "aws_kms_alias" "archive" {
  count = var.kms_enabled ? 1 : 0

  # For people and tooling in account B only: an alias resolves in the
  # caller's account, so writers in account A must be given the key ARN.
  name          = coalesce(var.kms_key_alias, "alias/${replace(var.archive_bucket_name, ".", "-")}")
  target_key_id = aws_kms_key.archive[0].key_id
}
