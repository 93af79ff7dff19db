output "workgroup_name" {
  description = "Name of the Athena workgroup."
  value       = aws_athena_workgroup.logs.name
}

output "workgroup_arn" {
  description = "ARN of the Athena workgroup."
  value       = aws_athena_workgroup.logs.arn
}

output "database_name" {
  description = "Name of the Glue database."
  value       = aws_glue_catalog_database.logs.name
}

output "results_bucket_name" {
  description = "Name of the query results bucket."
  value       = aws_s3_bucket.athena_results.bucket
}

output "results_bucket_arn" {
  description = "ARN of the query results bucket."
  value       = aws_s3_bucket.athena_results.arn
}

output "results_kms_key_arn" {
  description = "KMS key encrypting query results (created here unless one was passed in)."
  value       = local.results_kms_key_arn
}

output "analyst_role_name" {
  description = "Name of the analyst role."
  value       = aws_iam_role.analyst.name
}

output "analyst_role_arn" {
  description = "ARN of the analyst role."
  value       = aws_iam_role.analyst.arn
}

output "analyst_log_read_documents" {
  description = "analyst-log-read.json.tpl as rendered for log_key_prefix, then for each of additional_log_key_prefixes, for review."
  value       = local.log_read_documents
}
