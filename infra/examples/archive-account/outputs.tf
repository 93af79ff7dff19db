# --- For the source accounts ---------------------------------------------------------

output "archive_bucket_name" {
  description = "Name of the archive bucket."
  value       = module.log_archive.archive_bucket_name
}

output "archive_bucket_arn" {
  description = "ARN of the archive bucket."
  value       = module.log_archive.archive_bucket_arn
}

output "archive_prefix" {
  description = "The archive prefix; source account <id> writes under <archive_prefix>/<id>/."
  value       = module.log_archive.archive_prefix
}

output "archive_kms_key_arn" {
  description = "ARN of the archive KMS key (never the alias: it resolves in the caller's account), or null with archive_kms_enabled = false."
  value       = module.log_archive.kms_key_arn
}

output "writer_role_arns" {
  description = "Writer role ARN by source account id, for the assume-role accounts."
  value       = module.log_archive.writer_role_arns
}

output "source_account_settings" {
  description = "By source account id: { mode, archive_bucket_name, archive_prefix, archive_kms_key_arn, writer_role_arn, external_id } (the last two null for direct accounts)."
  value       = module.log_archive.source_account_settings
}

output "source_root_tfvars" {
  description = "By source account id: ready-to-paste HCL for that account's examples/source-account terraform.tfvars (mode, archive_bucket_name, archive_prefix, archive_kms_key_arn, writer_role_arn, external_id, source_account_id, region). terraform output -json source_root_tfvars | jq -r '.\"111111111111\"' > ../source-account/archive.auto.tfvars"
  value = {
    for id, s in module.log_archive.source_account_settings : id => join("", [
      for line in [
        ["mode", s.mode],
        ["archive_bucket_name", s.archive_bucket_name],
        ["archive_prefix", s.archive_prefix],
        ["archive_kms_key_arn", s.archive_kms_key_arn],
        ["writer_role_arn", s.writer_role_arn],
        ["external_id", s.external_id],
        ["source_account_id", id],
        # Where that account's shipper runs: its first region, else B's.
        ["region", try(var.source_accounts[id].regions[0], var.region)],
      ] : format("%-19s = %s\n", line[0], line[1] == null ? "null" : jsonencode(line[1]))
    ])
  }
}

# --- Evidence ----------------------------------------------------------------------------

output "archive_object_lock" {
  description = "The archive's default Object Lock retention ({ mode, days }), or null."
  value       = module.log_archive.object_lock
}

output "archive_break_glass_role_arn" {
  description = "The break-glass role (MFA; every use alarmed): the only way, besides protection_admin_principal_arns, to change the archive's protections or remove a locked version."
  value       = module.log_archive.break_glass_role_arn
}

output "archive_key_admin_role_arn" {
  description = "The role administering the archive key (MFA), or null with archive_kms_enabled = false."
  value       = module.log_archive.key_admin_role_arn
}

output "archive_alarm_topic_arn" {
  description = "The SNS topic the archive's protection alarms notify, created by log_archive (null with alarm_sns_topic_arns): subscribe to it."
  value       = module.log_archive.alarm_topic_arn
}

output "archive_protection_rule_names" {
  description = "The EventBridge rules alarming on changes to the archive bucket's protections and to its key."
  value       = module.log_archive.protection_rule_names
}

output "archive_organization_guard_policy" {
  description = "The resource control policy the management account attaches to account B (README, Organization guard); not applied by this root."
  value       = module.log_archive.organization_guard_policy
}

# --- Athena and compaction --------------------------------------------------------------

output "athena_workgroup_name" {
  description = "Workgroup for queries over the archive (every source account)."
  value       = module.athena_archive.workgroup_name
}

output "athena_database_name" {
  description = "Glue database of the archive tables."
  value       = module.athena_archive.database_name
}

output "athena_table" {
  description = "Glue database.table over the archive's originals."
  value       = "${module.athena_archive.database_name}.${module.athena_archive.table_name}"
}

output "athena_compacted_table" {
  description = "Glue database.table over the compactor's copies, or null with compaction_enabled = false."
  value       = var.compaction_enabled ? "${module.athena_archive.database_name}.${module.athena_archive.compacted_table_name}" : null
}

output "athena_partition_values" {
  description = "The account, region and source_bucket values the archive tables project, derived from source_accounts."
  value       = module.log_archive.partition_values
}

output "archive_analyst_role_arn" {
  description = "Analyst role over the archive (both tables); the archive key policy names it."
  value       = module.athena_archive.analyst_role_arn
}

output "compactor_function_name" {
  description = "Compactor Lambda (logs in /aws/lambda/<name>), or null with compaction_enabled = false."
  value       = var.compaction_enabled ? module.log_compactor[0].function_name : null
}

output "compactor_alarm_topic_arn" {
  description = "The SNS topic the compactor's alarms notify, created by log_compactor (null with alarm_sns_topic_arns or compaction_enabled = false): subscribe to it (alarm_email_addresses, or aws sns subscribe)."
  value       = var.compaction_enabled ? module.log_compactor[0].alarm_topic_arn : null
}

output "compactor_alarm_names" {
  description = "The compactor's alarms, by what they watch (empty with compaction_enabled = false)."
  value       = var.compaction_enabled ? module.log_compactor[0].alarm_names : {}
}

output "compactor_dashboard_name" {
  description = "The compactor's CloudWatch dashboard, or null with compaction_enabled = false."
  value       = var.compaction_enabled ? module.log_compactor[0].dashboard_name : null
}

output "athena_direct_workgroup_name" {
  description = "Workgroup over the source account's log bucket in place, or null with athena_direct_enabled = false."
  value       = var.athena_direct_enabled ? module.athena_direct[0].workgroup_name : null
}

output "athena_direct_analyst_role_arn" {
  description = "Analyst role reading the source account's log bucket in place, or null with athena_direct_enabled = false."
  value       = var.athena_direct_enabled ? module.athena_direct[0].analyst_role_arn : null
}

output "athena_direct_log_bucket_policy_json" {
  description = "Policy document that source account's log bucket must merge (log_source access_log_bucket_policy_documents) for athena_direct to read it, or null with athena_direct_enabled = false."
  value       = var.athena_direct_enabled ? module.athena_direct[0].source_bucket_policy_json : null
}

# --- Reconcile --------------------------------------------------------------------------

output "reconcile_role_arn" {
  description = "The role logferry reconcile assumes (<name_prefix>-reconcile), or null without reconcile_trusted_principal_arns."
  value       = one(module.reconciler[*].role_arn)
}

output "reconcile_log_bucket_policy_json" {
  description = "By source log bucket ARN: the document that bucket's policy must merge (source_policy_documents) for the reconcile role to list its key prefix; empty without reconcile_trusted_principal_arns."
  value       = length(module.reconciler) > 0 ? module.reconciler[0].source_bucket_policy_json : {}
}
