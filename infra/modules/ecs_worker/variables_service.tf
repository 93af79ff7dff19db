# The cluster, the task's size and network, its logs, and scaling.

variable "cluster_arn" {
  type        = string
  description = "ECS cluster to run the service in. Null: create a cluster named <name> (with container_insights)."
  default     = null

  validation {
    condition     = var.cluster_arn == null || can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be null or an ECS cluster ARN: arn:aws:ecs:<region>:<12-digit account id>:cluster/<name>."
  }
}

variable "container_insights" {
  type        = string
  description = "Container Insights of the cluster this module creates: \"enabled\", \"enhanced\" or \"disabled\". Ignored with cluster_arn."
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be \"enabled\", \"enhanced\" or \"disabled\"."
  }
}

variable "cpu" {
  type        = number
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384); memory must be a size Fargate pairs with it."
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  type        = number
  description = "Task memory in MiB (Fargate: 512-122880, in the steps its cpu allows). A streamed object holds part_size x (part_concurrency + 1) in memory (8 MiB x 4 by default), times concurrency."
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && floor(var.memory) == var.memory
    error_message = "memory must be a whole number of MiB from 512 to 122880."
  }
}

variable "stop_timeout_seconds" {
  type        = number
  description = "stopTimeout: seconds between SIGTERM and SIGKILL when a task stops (scale-in, deployment). The worker finishes its batch in flight in that time; a batch cut short is shipped again after the visibility timeout. Fargate allows at most 120."
  default     = 30

  validation {
    condition     = var.stop_timeout_seconds >= 2 && var.stop_timeout_seconds <= 120 && floor(var.stop_timeout_seconds) == var.stop_timeout_seconds
    error_message = "stop_timeout_seconds must be a whole number from 2 to 120 (Fargate's maximum)."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the tasks (no public IP is assigned): they need a route to S3, SQS, STS, ECR and CloudWatch Logs (a NAT gateway or VPC endpoints)."

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for id in var.subnet_ids : can(regex(local.names.subnet_id.regex, id))])
    error_message = "subnet_ids must list at least one subnet, each ${local.names.subnet_id.rule}."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the tasks: outbound HTTPS (443) is all the worker needs; it listens on nothing."

  validation {
    condition     = length(var.security_group_ids) > 0 && alltrue([for id in var.security_group_ids : can(regex(local.names.security_group_id.regex, id))])
    error_message = "security_group_ids must list at least one security group, each ${local.names.security_group_id.rule}."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the worker's log group (/ecs/<name>)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "log_kms_key_arn" {
  type        = string
  description = "Optional KMS key encrypting the log group; its key policy must allow logs.<region>.amazonaws.com. Null: CloudWatch Logs' own encryption."
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be null or ${local.names.kms_key_arn.rule}."
  }
}

variable "min_tasks" {
  type        = number
  description = "Tasks when the queue is empty (and the service's first desired count). 0 costs nothing while idle; the first message then waits for the backlog alarm and a task start (a few minutes)."
  default     = 0

  validation {
    condition     = var.min_tasks >= 0 && floor(var.min_tasks) == var.min_tasks
    error_message = "min_tasks must be a whole number, 0 or more."
  }
}

variable "max_tasks" {
  type        = number
  description = "Most tasks the backlog may add; at least 1 and at least min_tasks."
  default     = 4

  validation {
    condition     = var.max_tasks >= 1 && floor(var.max_tasks) == var.max_tasks
    error_message = "max_tasks must be a whole number, 1 or more."
  }
}

variable "messages_per_task" {
  type        = number
  description = "Visible messages at which the backlog adds 2 tasks at once rather than 1 (and 4 from four times as many)."
  default     = 100

  validation {
    condition     = var.messages_per_task >= 2 && floor(var.messages_per_task) == var.messages_per_task
    error_message = "messages_per_task must be a whole number, 2 or more."
  }
}

variable "scale_out_after_minutes" {
  type        = number
  description = "Minutes with messages visible before the backlog alarm adds tasks."
  default     = 1

  validation {
    condition     = var.scale_out_after_minutes >= 1 && var.scale_out_after_minutes <= 60 && floor(var.scale_out_after_minutes) == var.scale_out_after_minutes
    error_message = "scale_out_after_minutes must be a whole number from 1 to 60."
  }
}

variable "scale_in_after_minutes" {
  type        = number
  description = "Minutes with nothing visible (idle: one task less) or nothing visible or in flight (empty: min_tasks) before scaling in."
  default     = 10

  validation {
    condition     = var.scale_in_after_minutes >= 1 && var.scale_in_after_minutes <= 60 && floor(var.scale_in_after_minutes) == var.scale_in_after_minutes
    error_message = "scale_in_after_minutes must be a whole number from 1 to 60."
  }
}
