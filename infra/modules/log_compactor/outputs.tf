output "function_name" {
  description = "Name of the compactor Lambda function (logs in /aws/lambda/<name>)."
  value       = aws_lambda_function.compactor.function_name
}

output "function_arn" {
  description = "ARN of the compactor Lambda function."
  value       = aws_lambda_function.compactor.arn
}

output "role_name" {
  description = "Name of the compactor's execution role."
  value       = aws_iam_role.compactor.name
}

output "role_arn" {
  description = "ARN of the compactor's execution role."
  value       = aws_iam_role.compactor.arn
}

output "compactor_principal_arns" {
  description = "What log_archive's compactor_principal_arns needs: [role_arn] with archive_kms_key_arn set, [] otherwise (an SSE-S3 archive has no key policy to grant)."
  value       = var.archive_kms_key_arn == null ? [] : [aws_iam_role.compactor.arn]
}

output "schedule_name" {
  description = "Name of the EventBridge Scheduler schedule (in schedule_group_name) that starts the compactor."
  value       = aws_scheduler_schedule.compactor.name
}

output "schedule_group_name" {
  description = "EventBridge Scheduler schedule group of the compactor's schedule: the group whose schedules may assume the scheduler role."
  value       = aws_scheduler_schedule.compactor.group_name
}

output "query_prefix" {
  description = "Prefix of the compacted copies in the archive bucket (no trailing slash): athena_archive's query_prefix."
  value       = local.query_prefix
}

output "policy_json" {
  description = "The compactor role's rendered policy, for review."
  value       = data.aws_iam_policy_document.compactor.json
}

output "alarm_topic_arn" {
  description = "The SNS topic this module created for its alarms (encrypted with its own key; subscribe to it), or null when alarm_sns_topic_arns was given."
  value       = module.alarm_topic.topic_arn
}

output "alarm_sns_topic_arns" {
  description = "The topics every compactor alarm notifies on ALARM and on OK: alarm_sns_topic_arns, or [alarm_topic_arn]."
  value       = local.alarm_actions
}

output "alarm_names" {
  description = "Name of each alarm, by what it watches: errors and, unless their window is null, falling_behind and not_running."
  value = merge(
    { errors = aws_cloudwatch_metric_alarm.compactor_errors.alarm_name },
    { for alarm in aws_cloudwatch_metric_alarm.falling_behind : "falling_behind" => alarm.alarm_name },
    { for alarm in aws_cloudwatch_metric_alarm.not_running : "not_running" => alarm.alarm_name },
  )
}

output "dashboard_name" {
  description = "The compactor's CloudWatch dashboard (<name_prefix>-compactor-<region>)."
  value       = aws_cloudwatch_dashboard.compactor.dashboard_name
}
