output "cluster_arn" {
  description = "ARN of the cluster the service runs in (created, or cluster_arn)."
  value       = local.cluster_arn
}

output "service_arn" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.worker.id
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.worker.name
}

output "task_definition_arn" {
  description = "ARN (with revision) of the worker's task definition."
  value       = aws_ecs_task_definition.worker.arn
}

output "execution_role_arn" {
  description = "ARN of the task execution role (image pull and log stream creation only)."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "The worker's log group: its logs (stderr) and its EMF metrics (stdout)."
  value       = aws_cloudwatch_log_group.worker.name
}

output "queue_url" {
  description = "LOGFERRY_QUEUE_URL as given to the worker, derived from queue_arn."
  value       = local.queue_url
}

output "scaling_alarm_names" {
  description = "The three alarms driving the task count: backlog (scale out), idle (one less) and empty (min_tasks)."
  value       = { for role, alarm in aws_cloudwatch_metric_alarm.scaling : role => alarm.alarm_name }
}

output "queue_policy_json" {
  description = "The queue permissions attached to the task role (or to attach yourself when attach_queue_policy is false)."
  value       = data.aws_iam_policy_document.queue.json
}
