output "table_name" {
  description = "Name of the Glue table."
  value       = aws_glue_catalog_table.access_logs.name
}

output "table_arn" {
  description = "ARN of the Glue table."
  value       = aws_glue_catalog_table.access_logs.arn
}

output "saved_query_ids" {
  description = "Athena named query ids by query name (top_requesters, errors_by_code, deletes, access_denied, bytes_by_bucket_and_day)."
  value       = { for name, q in aws_athena_named_query.audit : name => q.id }
}

output "storage_location_template" {
  description = "The table's storage.location.template: location_prefix followed by the partition path derived from infra/layout/archive-key-template.txt."
  value       = local.storage_location_template
}
