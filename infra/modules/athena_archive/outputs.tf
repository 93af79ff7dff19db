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
  description = "Athena named query ids by name."
  value       = module.access_log_table.saved_query_ids
}
