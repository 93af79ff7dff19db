output "shipper_function_name" {
  description = "The shipper Lambda (logs in /aws/lambda/<name>)."
  value       = module.log_source.function_name
}

output "shipper_role_arn" {
  description = "The shipper's role: the principal account B's root allows for this account."
  value       = module.log_source.shipper_role_arn
}

output "queue_url" {
  description = "The queue EventBridge delivers the log buckets' Object Created events to."
  value       = module.log_source.queue_url
}

output "queue_arn" {
  description = "ARN of the queue."
  value       = module.log_source.queue_arn
}

output "dlq_url" {
  description = "Dead-letter queue: messages that failed 5 deliveries."
  value       = module.log_source.dlq_url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue, for the redrive: aws sqs start-message-move-task --source-arn <dlq_arn>."
  value       = module.log_source.dlq_arn
}

output "event_rule_arns" {
  description = "EventBridge rule of each shipped log bucket, keyed by bucket name."
  value       = module.log_source.event_rule_arns
}

output "log_bucket_names" {
  description = "Every log bucket shipped from (existing and created)."
  value       = module.log_source.log_bucket_names
}

output "eventbridge_notification_buckets" {
  description = "Log buckets whose notification configuration this root owns (S3 -> EventBridge turned on by Terraform)."
  value       = module.log_source.eventbridge_notification_buckets
}

output "created_log_bucket_name" {
  description = "The log bucket created with new_log_bucket, or null."
  value       = one(module.new_log_bucket[*].log_bucket_name)
}

output "created_audited_bucket_names" {
  description = "The audited buckets created with new_log_bucket (empty when none)."
  value       = local.create_log_bucket ? module.new_log_bucket[0].audited_bucket_names : []
}

output "alarm_topic_arn" {
  description = "The SNS topic the shipper's alarms notify, created by log_source (null with alarm_sns_topic_arns): subscribe to it (alarm_email_addresses, or aws sns subscribe)."
  value       = module.log_source.alarm_topic_arn
}

output "alarm_names" {
  description = "The shipper's alarms, by what they watch."
  value       = module.log_source.alarm_names
}

output "dashboard_name" {
  description = "The shipper's CloudWatch dashboard."
  value       = module.log_source.dashboard_name
}

output "redrive_role_arn" {
  description = "The role logferry redrive assumes to move the DLQ back, or null without redrive_principal_arns."
  value       = module.log_source.redrive_role_arn
}

output "batch_operations_role_arn" {
  description = "The role an S3 Batch Operations LambdaInvoke job passes (RoleArn) to backfill through the shipper, or null without batch_operations."
  value       = module.log_source.batch_operations_role_arn
}

output "archive_writer_principal_arns" {
  description = "Every role of this root that writes to the archive (direct) or assumes this account's writer role in B (assume-role): the shipper's, and the ECS worker's and Glue job's when asked. With either of those, account B's source_accounts entry for this account must set writer_principal_arns to this list (its default names only the shipper role); apply B, then this root."
  value = concat(
    [module.log_source.shipper_role_arn],
    [for key in sort(keys(module.writer)) : module.writer[key].role_arn],
  )
}

output "ecs_worker_cluster_arn" {
  description = "The ECS cluster the worker runs in (created, or ecs_worker.cluster_arn), or null without ecs_worker."
  value       = one(module.ecs_worker[*].cluster_arn)
}

output "ecs_worker_service_name" {
  description = "The worker's ECS service (its task count scales on the queue's depth), or null without ecs_worker."
  value       = one(module.ecs_worker[*].service_name)
}

output "ecs_worker_task_definition_arn" {
  description = "The worker's task definition (with revision), or null without ecs_worker."
  value       = one(module.ecs_worker[*].task_definition_arn)
}

output "ecs_worker_task_role_arn" {
  description = "The worker's task role <name_prefix>-ecs-writer, or null without ecs_worker: one of archive_writer_principal_arns."
  value       = try(module.writer["ecs"].role_arn, null)
}

output "ecs_worker_log_group_name" {
  description = "The worker's log group (/ecs/<name_prefix>-worker): its logs and its EMF metrics, or null without ecs_worker."
  value       = one(module.ecs_worker[*].log_group_name)
}

output "glue_writer_job_name" {
  description = "The Glue job (aws glue start-job-run --job-name <name> --arguments '{\"--logferry-uris\":\"s3://...\"}'), or null without glue_writer_job."
  value       = one(module.glue_writer_job[*].job_name)
}

output "glue_writer_job_role_arn" {
  description = "The job's role <name_prefix>-glue-writer, or null without glue_writer_job: one of archive_writer_principal_arns."
  value       = try(module.writer["glue"].role_arn, null)
}
