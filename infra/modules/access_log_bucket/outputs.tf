output "log_bucket_name" {
  description = "Name of the new log bucket. Known at plan (it is the input), and referencing it orders log_source after the bucket's creation."
  value       = aws_s3_bucket.log.bucket
}

output "log_bucket_arn" {
  description = "ARN of the new log bucket."
  value       = aws_s3_bucket.log.arn
}

output "log_prefixes" {
  description = "The prefixes to ship from the log bucket: [\"<log_prefix>/\"], ready for log_source's log_buckets."
  value       = ["${var.log_prefix}/"]
}

output "audited_bucket_names" {
  description = "Names of the audited buckets created here (empty when none)."
  value       = sort([for bucket in aws_s3_bucket.audited : bucket.bucket])
}

output "log_delivery_source_bucket_arns" {
  description = "Every audited bucket ARN the log bucket's policy lets logging.s3.amazonaws.com deliver for."
  value       = local.log_delivery_source_bucket_arns
}

output "kms_key_arn" {
  description = "ARN of the buckets' KMS key, or null when kms_enabled is false (log_source's log_buckets[...].kms_key_arn)."
  value       = local.kms_key_arn
}
