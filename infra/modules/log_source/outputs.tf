output "audited_bucket_name" {
  description = "Name of the audited bucket."
  value       = aws_s3_bucket.audited.id
}

output "audited_bucket_arn" {
  description = "ARN of the audited bucket."
  value       = aws_s3_bucket.audited.arn
}

output "access_log_bucket_name" {
  description = "Name of the bucket holding the server access logs (the shipper's source)."
  value       = aws_s3_bucket.access_logs.id
}

output "access_log_bucket_arn" {
  description = "ARN of the access log bucket."
  value       = aws_s3_bucket.access_logs.arn
}

output "shipper_role_name" {
  description = "Name of the shipper's execution role."
  value       = aws_iam_role.shipper.name
}

output "shipper_role_arn" {
  description = "ARN of the shipper's execution role: the principal the archive bucket policy (direct) or the writer role trust policy (assume-role) must allow."
  value       = aws_iam_role.shipper.arn
}

output "function_name" {
  description = "Name of the shipper Lambda function."
  value       = aws_lambda_function.shipper.function_name
}

output "function_arn" {
  description = "ARN of the shipper Lambda function."
  value       = aws_lambda_function.shipper.arn
}

output "queue_arn" {
  description = "ARN of the queue receiving the log bucket's object-created events."
  value       = aws_sqs_queue.shipper.arn
}

output "queue_url" {
  description = "URL of the queue receiving the log bucket's object-created events."
  value       = aws_sqs_queue.shipper.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.shipper_dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue (redrive from here after fixing a failure)."
  value       = aws_sqs_queue.shipper_dlq.id
}

output "log_group_name" {
  description = "CloudWatch log group of the shipper."
  value       = aws_cloudwatch_log_group.shipper.name
}

output "kms_key_arn" {
  description = "ARN of the source buckets' KMS key, or null when kms_enabled is false."
  value       = local.kms_key_arn
}

output "shipper_policy_json" {
  description = "The shipper role's rendered policy, for review."
  value       = data.aws_iam_policy_document.shipper.json
}
