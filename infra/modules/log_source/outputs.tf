output "log_bucket_names" {
  description = "The log buckets shipped from (keys of log_buckets), sorted."
  value       = sort(keys(var.log_buckets))
}

output "event_rule_arns" {
  description = "ARN of the EventBridge rule of each log bucket, keyed by bucket name (the queue policy's aws:SourceArn values)."
  value       = { for name, rule in aws_cloudwatch_event_rule.log_objects : name => rule.arn }
}

output "eventbridge_notification_buckets" {
  description = "Log buckets whose notification configuration this module owns (S3 -> EventBridge turned on by it)."
  value       = sort(keys(aws_s3_bucket_notification.eventbridge))
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
  description = "ARN of the queue receiving the log buckets' Object Created events from EventBridge."
  value       = aws_sqs_queue.shipper.arn
}

output "queue_url" {
  description = "URL of the queue receiving the log buckets' Object Created events from EventBridge."
  value       = aws_sqs_queue.shipper.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue (source ARN of a redrive: aws sqs start-message-move-task --source-arn)."
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

output "shipper_policy_json" {
  description = "The shipper role's rendered policy, for review."
  value       = data.aws_iam_policy_document.shipper.json
}
