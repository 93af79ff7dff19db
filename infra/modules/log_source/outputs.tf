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

output "alarm_topic_arn" {
  description = "The SNS topic this module created for its alarms (encrypted with its own key; subscribe to it), or null when alarm_sns_topic_arns was given."
  value       = module.alarm_topic.topic_arn
}

output "alarm_sns_topic_arns" {
  description = "The topics every alarm notifies on ALARM and on OK: alarm_sns_topic_arns, or [alarm_topic_arn]."
  value       = local.alarm_actions
}

output "alarm_names" {
  description = "Name of each alarm, by what it watches: dlq_not_empty, errors, queue_stalled, lag, failure_rate, sources_changed and, unless silence_alarm_hours is null, silence."
  value = merge(
    {
      dlq_not_empty   = aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name
      errors          = aws_cloudwatch_metric_alarm.shipper_errors.alarm_name
      queue_stalled   = aws_cloudwatch_metric_alarm.queue_stalled.alarm_name
      lag             = aws_cloudwatch_metric_alarm.lag.alarm_name
      failure_rate    = aws_cloudwatch_metric_alarm.failure_rate.alarm_name
      sources_changed = aws_cloudwatch_metric_alarm.sources_changed.alarm_name
    },
    { for alarm in aws_cloudwatch_metric_alarm.silence : "silence" => alarm.alarm_name },
  )
}

output "dashboard_name" {
  description = "The CloudWatch dashboard of this shipper (<name_prefix>-shipper-<region>)."
  value       = aws_cloudwatch_dashboard.shipper.dashboard_name
}

output "redrive_role_arn" {
  description = "The role logferry redrive assumes (<name_prefix>-redrive), or null when redrive_principal_arns is empty."
  value       = one(aws_iam_role.redrive[*].arn)
}

output "redrive_policy_json" {
  description = "The redrive role's policy (infra/policies/redrive.json.tpl rendered for this DLQ and queue), for review; rendered even when no role is created."
  value       = local.redrive_policy
}

output "batch_operations_role_arn" {
  description = "The role S3 Batch Operations jobs pass as RoleArn to backfill through the shipper (<name_prefix>-batch-operations), or null when batch_operations is null."
  value       = one(aws_iam_role.batch_operations[*].arn)
}
