# How a principal in account A reaches the archive, decided once for the
# shipper (log_source) and every other writer (writer_principal): the policy
# documents for the chosen mode, rendered from infra/policies/ like everything
# else. Pure function of its inputs: no provider, no resources.
#
# It renders nothing it cannot fill. An incomplete call (assume-role without
# writer_role_arn) yields no write document and a configuration_errors entry,
# which the caller must turn into a plan-time error with a precondition on the
# object that consumes policy_documents. The check lives in the caller because
# `terraform test` can only expect failures of the module under test's own
# objects, never of a child module's.

locals {
  policy_dir = "${path.module}/../../policies"
  direct     = var.mode == "direct"

  configuration_errors = concat(
    !local.direct && var.writer_role_arn == null ? [
      "mode = \"assume-role\" needs writer_role_arn: the ARN of the writer role in the archive account (log_archive's writer_role_arn output, or arn:aws:iam::<archive account>:role/<writer_role_name>).",
    ] : [],
  )

  policy_documents = concat(
    local.direct ? [
      # Only the writer's own account's partition of the archive:
      # <archive_prefix>/<source_account_id>/...
      templatefile("${local.policy_dir}/archive-write.json.tpl", {
        archive_bucket_arn = var.archive_bucket_arn
        archive_prefix     = var.archive_prefix
        source_account_id  = var.source_account_id
      }),
    ] : [],
    local.direct && length(var.archive_kms_key_arns) > 0 ? [
      templatefile("${local.policy_dir}/archive-kms-encrypt.json.tpl", {
        archive_kms_key_arns = var.archive_kms_key_arns
        archive_bucket_arn   = var.archive_bucket_arn
        archive_prefix       = var.archive_prefix
      }),
    ] : [],
    !local.direct && var.writer_role_arn != null ? [
      templatefile("${local.policy_dir}/shipper-assume-writer.json.tpl", {
        writer_role_arn = var.writer_role_arn
      }),
    ] : [],
  )
}
