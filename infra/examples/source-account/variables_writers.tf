# Optional writers besides the shipper Lambda, each running as a
# writer_principal role of its own (writers.tf).

variable "ecs_worker" {
  type = object({
    image              = string
    subnet_ids         = list(string)
    security_group_ids = list(string)
    cluster_arn        = optional(string)
    cpu                = optional(number, 512)
    memory             = optional(number, 1024)
    min_tasks          = optional(number, 0)
    max_tasks          = optional(number, 4)
    concurrency        = optional(number)
    log_retention_days = optional(number, 365)
    takes_over_queue   = optional(bool, false)
  })
  description = <<-EOT
    Optional: `logferry worker` as a Fargate service (modules/ecs_worker) polling the shipper's queue, as the role
    <name_prefix>-ecs-writer (output ecs_worker_task_role_arn), which B must name (output archive_writer_principal_arns).
    image: the ECR URI of packaging/container (scripts/image.sh), with a tag or digest; subnet_ids: private subnets
    with a route to S3, SQS, STS, ECR and CloudWatch Logs; security_group_ids: outbound HTTPS only; cluster_arn: an
    existing cluster (null: a cluster <name_prefix>-worker); cpu, memory, concurrency and log_retention_days as in
    ecs_worker; min_tasks..max_tasks: the task count, scaled on the queue's depth. takes_over_queue: pause the shipper
    Lambda's event source mapping so the worker alone consumes the queue (then set silence_alarm_hours = null: the
    shipper's silence alarm reads the shipper's own metrics). Null (default): no worker.
  EOT
  default     = null

  validation {
    condition = var.ecs_worker == null || try(
      length(var.ecs_worker.subnet_ids) > 0 && alltrue([for id in var.ecs_worker.subnet_ids : can(regex(local.names.subnet_id.regex, id))]),
      false,
    )
    error_message = "ecs_worker.subnet_ids must list at least one subnet, each ${local.names.subnet_id.rule}."
  }

  validation {
    condition = var.ecs_worker == null || try(
      length(var.ecs_worker.security_group_ids) > 0 && alltrue([for id in var.ecs_worker.security_group_ids : can(regex(local.names.security_group_id.regex, id))]),
      false,
    )
    error_message = "ecs_worker.security_group_ids must list at least one security group, each ${local.names.security_group_id.rule}."
  }

  validation {
    condition     = var.ecs_worker == null || can(regex(local.names.name_prefix.regex, "${var.name_prefix}-worker"))
    error_message = "With ecs_worker, name_prefix may have at most 25 characters: the service, cluster and task family are <name_prefix>-worker (${local.names.name_prefix.rule})."
  }

  validation {
    condition     = var.ecs_worker == null ? true : !var.ecs_worker.takes_over_queue || var.silence_alarm_hours == null
    error_message = "ecs_worker.takes_over_queue pauses the shipper Lambda, whose silence alarm would then always fire: set silence_alarm_hours = null (the worker's metrics are under Service = <name_prefix>-worker)."
  }
}

variable "glue_writer_job" {
  type = object({
    script_s3_uri          = string
    wheel_s3_uri           = string
    concurrency            = optional(number)
    max_capacity           = optional(number, 0.0625)
    timeout_minutes        = optional(number, 60)
    max_concurrent_runs    = optional(number, 1)
    security_configuration = optional(string)
    connections            = optional(list(string), [])
  })
  description = <<-EOT
    Optional: a Glue Python shell job <name_prefix>-ship (modules/glue_writer_job) that ships given objects or prefixes
    of the log buckets (aws glue start-job-run --arguments '{"--logferry-uris":"s3://..."}'), as the role
    <name_prefix>-glue-writer (output glue_writer_job_role_arn), which B must name (output
    archive_writer_principal_arns); it may read and list the log buckets of this root. script_s3_uri: the module's
    script/ship_job.py uploaded to S3 (.py); wheel_s3_uri: the logferry wheel for CPython 3.9 on x86_64 Linux (.whl);
    the other fields as in glue_writer_job. Null (default): no job.
  EOT
  default     = null

  validation {
    condition = var.glue_writer_job == null || try(
      can(regex(local.names.s3_object_uri.regex, var.glue_writer_job.script_s3_uri)) && endswith(var.glue_writer_job.script_s3_uri, ".py"),
      false,
    )
    error_message = "glue_writer_job.script_s3_uri must be ${local.names.s3_object_uri.rule}, ending in .py."
  }

  validation {
    condition = var.glue_writer_job == null || try(
      can(regex(local.names.s3_object_uri.regex, var.glue_writer_job.wheel_s3_uri)) && endswith(var.glue_writer_job.wheel_s3_uri, ".whl"),
      false,
    )
    error_message = "glue_writer_job.wheel_s3_uri must be ${local.names.s3_object_uri.rule}, ending in .whl."
  }

  validation {
    condition     = var.glue_writer_job == null || can(regex(local.names.name_prefix.regex, "${var.name_prefix}-ship"))
    error_message = "With glue_writer_job, name_prefix may have at most 27 characters: the job is <name_prefix>-ship (${local.names.name_prefix.rule})."
  }
}
