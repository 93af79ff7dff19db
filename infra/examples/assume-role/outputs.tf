output "shipper_role_arn" {
  description = "The shipper's role in A, trusted by the writer role in B."
  value       = module.log_source.shipper_role_arn
}

output "writer_role_arn" {
  description = "The writer role in B the shipper assumes (with external_id)."
  value       = module.log_archive.writer_role_arn
}

output "shipper_function_name" {
  description = "Shipper Lambda in A (logs in /aws/lambda/<name>)."
  value       = module.log_source.function_name
}

output "audited_bucket_name" {
  description = "Bucket in A whose access is logged; touch it to produce logs."
  value       = module.log_source.audited_bucket_name
}

output "access_log_bucket_name" {
  description = "Bucket in A the access logs land in before they are shipped."
  value       = module.log_source.access_log_bucket_name
}

output "dlq_url" {
  description = "Dead-letter queue in A; redrive it after fixing a failure."
  value       = module.log_source.dlq_url
}

output "archive_bucket_arn" {
  description = "Archive bucket in B."
  value       = module.log_archive.archive_bucket_arn
}

output "archive_kms_key_arn" {
  description = "Archive key in B, or null with archive_kms_enabled = false."
  value       = module.log_archive.kms_key_arn
}
