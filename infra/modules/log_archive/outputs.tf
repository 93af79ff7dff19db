output "archive_bucket_name" {
  description = "Name of the archive bucket."
  value       = aws_s3_bucket.archive.bucket
}

output "archive_bucket_arn" {
  description = "ARN of the archive bucket."
  value       = aws_s3_bucket.archive.arn
}

output "archive_prefix" {
  description = "Key prefix writers are confined to (no trailing slash)."
  value       = var.archive_prefix
}

output "query_prefix" {
  description = "Prefix of the compactor's query copies the key policy grants cover (no trailing slash)."
  value       = local.query_prefix
}

output "writer_role_arn" {
  description = "ARN of the writer role the shipper assumes (assume-role mode); null in direct mode."
  value       = local.assume_role ? aws_iam_role.writer[0].arn : null
}

output "writer_principal_arns" {
  description = "Principals the bucket policy (and key policy) let write: the shipper roles (direct) or the writer role (assume-role)."
  value       = local.writer_principal_arns
}

output "kms_key_arn" {
  description = "ARN of the archive KMS key, or null with kms_enabled = false. Give writers in account A this ARN, never the alias: an alias resolves in the caller's own account."
  value       = local.kms_key_arn
}

output "kms_key_alias" {
  description = "Alias of the archive KMS key (usable from account B only), or null with kms_enabled = false."
  value       = var.kms_enabled ? aws_kms_alias.archive[0].name : null
}
