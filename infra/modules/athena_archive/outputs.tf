output "workgroup_name" {
  description = "Athena workgroup to run queries in."
  value       = module.workspace.workgroup_name
}

output "database_name" {
  description = "Glue database holding the table."
  value       = module.workspace.database_name
}

output "table_name" {
  description = "Glue table over the archived S3 server access logs."
  value       = module.access_log_table.table_name
}

output "compacted_table_name" {
  description = "Glue table over the compactor's copies under query_prefix, or null without query_prefix."
  value       = var.query_prefix == null ? null : module.compacted_table[0].table_name
}

output "compacted_table_location_template" {
  description = "Where the compacted table looks for a partition: <query prefix>/$${account}/$${region}/$${source_bucket}/$${dt}/, or null without query_prefix."
  value       = var.query_prefix == null ? null : module.compacted_table[0].storage_location_template
}

output "results_bucket_name" {
  description = "Bucket receiving query results."
  value       = module.workspace.results_bucket_name
}

output "results_kms_key_arn" {
  description = "KMS key encrypting query results."
  value       = module.workspace.results_kms_key_arn
}

output "analyst_role_arn" {
  description = "Read-only analyst role; pass it to log_archive's analyst_principal_arns when the archive uses KMS."
  value       = module.workspace.analyst_role_arn
}

output "table_location_template" {
  description = "Where Athena looks for a partition: <archive prefix>/$${account}/$${region}/$${source_bucket}/$${dt}/ (source_bucket = audited bucket)."
  value       = module.access_log_table.storage_location_template
}

output "saved_query_ids" {
  description = "Athena named query ids by name, of the table over the originals."
  value       = module.access_log_table.saved_query_ids
}

output "compacted_saved_query_ids" {
  description = "Athena named query ids by name, of the compacted table ({} without query_prefix)."
  value       = var.query_prefix == null ? {} : module.compacted_table[0].saved_query_ids
}
