output "archive_workgroup_name" {
  description = "Workgroup for queries over the archive."
  value       = module.athena_archive.workgroup_name
}

output "archive_table" {
  description = "Glue database.table over the archive."
  value       = "${module.athena_archive.database_name}.${module.athena_archive.table_name}"
}

output "archive_analyst_role_arn" {
  description = "Analyst role for the archive (both tables); with a KMS archive it must also be in log_archive's analyst_principal_arns (source_root_tfvars)."
  value       = module.athena_archive.analyst_role_arn
}

output "compacted_table" {
  description = "Glue database.table over the compactor's copies, or null with compaction_enabled = false."
  value       = var.compaction_enabled ? "${module.athena_archive.database_name}.${module.athena_archive.compacted_table_name}" : null
}

output "compactor_function_name" {
  description = "Compactor Lambda in B (logs in /aws/lambda/<name>), or null with compaction_enabled = false."
  value       = var.compaction_enabled ? module.log_compactor[0].function_name : null
}

output "direct_workgroup_name" {
  description = "Workgroup for queries over A's log bucket in place."
  value       = module.athena_direct.workgroup_name
}

output "direct_table" {
  description = "Glue database.table over A's log bucket."
  value       = "${module.athena_direct.database_name}.${module.athena_direct.table_name}"
}

output "direct_analyst_role_arn" {
  description = "Analyst role reading A's log bucket; A's bucket policy must grant it (source_root_tfvars)."
  value       = module.athena_direct.analyst_role_arn
}

output "access_log_bucket_policy_json" {
  description = "Policy document A's log bucket must merge (log_source access_log_bucket_policy_documents)."
  value       = module.athena_direct.source_bucket_policy_json
}

output "source_root_tfvars" {
  description = "Variables for the direct/assume-role root, second step: terraform output -json source_root_tfvars > ../direct/athena.auto.tfvars.json"
  value = {
    access_log_bucket_policy_documents = [module.athena_direct.source_bucket_policy_json]
    archive_analyst_principal_arns     = var.archive_kms_enabled ? [module.athena_archive.analyst_role_arn] : []
    # The compactor's role, for B's archive key policy ([] without KMS or
    # without compaction), and the prefix that policy must cover.
    archive_compactor_principal_arns = var.compaction_enabled ? module.log_compactor[0].compactor_principal_arns : []
    archive_query_prefix             = var.compaction_enabled ? module.log_compactor[0].query_prefix : null
  }
}
