locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))

  # The metrics the compactor emits (namespace, dimension, names): written
  # once in infra/layout/metrics.json, read here as names.json is above.
  metrics = jsondecode(file("${path.module}/../../layout/metrics.json"))
}

# ---------------------------------------------------------------------------
# Naming
# ---------------------------------------------------------------------------

variable "name_prefix" {
  type        = string
  description = "Prefix of every name this module creates: function and role <name_prefix>-compactor, scheduler role <name_prefix>-compactor-scheduler, schedule, log group and alarm."
  default     = "logferry"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name_prefix))
    error_message = "name_prefix must be ${local.names.name_prefix.rule}."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource (EventBridge Scheduler schedules take none)."
  default     = {}
}

# ---------------------------------------------------------------------------
# Archive
# ---------------------------------------------------------------------------

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket (log_archive output archive_bucket_name), in this account. Originals and compacted copies live in it."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Prefix the shipper writes under, without leading or trailing slash (log_archive output archive_prefix). The compactor only lists and reads it (LOGFERRY_ARCHIVE_PREFIX)."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "query_prefix" {
  type        = string
  description = "Prefix, in the same bucket, the compacted copies are written under (LOGFERRY_QUERY_PREFIX), without leading or trailing slash. null: infra/layout/query-prefix.txt (logferry-query), the compactor's own default. Must not contain archive_prefix or be inside it."
  default     = null

  validation {
    condition     = var.query_prefix == null || can(regex(local.names.prefix.regex, var.query_prefix))
    error_message = "query_prefix must be null or ${local.names.prefix.rule}."
  }
}

variable "key_template" {
  type        = string
  description = "Optional LOGFERRY_KEY_TEMPLATE, the same value as log_source's key_template; null (recommended) keeps the default layout, infra/layout/archive-key-template.txt. The scheduled run finds partitions only in the default layout: with a custom template every run fails, and compaction needs `logferry compact` with explicit partitions."
  default     = null
}

variable "archive_kms_key_arn" {
  type        = string
  description = "The archive's KMS key (log_archive output kms_key_arn), or null for SSE-S3. Not granted here: log_archive's key policy must name this module's role (output compactor_principal_arns -> log_archive compactor_principal_arns)."
  default     = null

  validation {
    condition     = var.archive_kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, var.archive_kms_key_arn))
    error_message = "archive_kms_key_arn must be null or ${local.names.kms_key_arn.rule}."
  }
}

# ---------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------

variable "lambda_zip_path" {
  type        = string
  description = "Path to the compactor deployment zip, as built by `make package` (cargo lambda build --release --arm64 --output-format zip -p compactor). Relative paths resolve from the directory terraform runs in."
  default     = "target/lambda/compactor/bootstrap.zip"
}

variable "timeout" {
  type        = number
  description = "Function timeout in seconds. The compactor starts no partition in its last 60 s and aborts a cut-off one 10 s before the end (the run then fails and the next one retries), so a larger value compacts bigger days in one run."
  default     = 900

  validation {
    condition     = var.timeout >= 120 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 120 and 900."
  }
}

variable "memory_size" {
  type        = number
  description = "Function memory in MB. gzip is CPU-bound and Lambda's CPU share grows with memory (1769 MB is one full vCPU)."
  default     = 1024

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "settle_hours" {
  type        = number
  description = "LOGFERRY_COMPACT_SETTLE_HOURS: a day is compacted once it ended this many hours ago (S3 delivers access logs late, on a best-effort basis)."
  default     = 6

  validation {
    condition     = var.settle_hours >= 1 && var.settle_hours <= 168 && floor(var.settle_hours) == var.settle_hours
    error_message = "settle_hours must be a whole number from 1 to 168 (the compactor refuses anything else at start)."
  }
}

variable "lookback_days" {
  type        = number
  description = "LOGFERRY_COMPACT_LOOKBACK_DAYS: settled days compacted on every run, so logs that arrive later still reach the compacted copies. A re-run over an unchanged day costs two listings per partition."
  default     = 3

  validation {
    condition     = var.lookback_days >= 1 && var.lookback_days <= 31 && floor(var.lookback_days) == var.lookback_days
    error_message = "lookback_days must be a whole number from 1 to 31 (the compactor refuses anything else at start)."
  }
}

variable "concurrency" {
  type        = number
  description = "LOGFERRY_COMPACT_CONCURRENCY: partitions compacted at once. Each holds about one 8 MiB part and 8 MiB of read-ahead, so 4 fit the default memory_size with room to spare; see the README's sizing for when to raise it."
  default     = 4

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 16 && floor(var.concurrency) == var.concurrency
    error_message = "concurrency must be a whole number from 1 to 16 (the compactor refuses anything else at start)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the compactor's CloudWatch log group."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Optional permissions boundary policy ARN for both roles (function and scheduler)."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex(local.names.policy_arn.regex, var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or ${local.names.policy_arn.rule}."
  }
}

# ---------------------------------------------------------------------------
# Schedule and alarm
# ---------------------------------------------------------------------------

variable "schedule_group_name" {
  type        = string
  description = "EventBridge Scheduler schedule group of the compactor's schedule; the scheduler role's trust requires this group's ARN as aws:SourceArn. \"default\" (the account's default group, which always exists): any schedule there that is given the role may use it. Another name, such as logferry-compactor: the module creates that group, and only its schedules may use the role. Changing it replaces the schedule."
  default     = "default"

  validation {
    condition     = can(regex("^[0-9A-Za-z._-]{1,64}$", var.schedule_group_name))
    error_message = "schedule_group_name must be 1-64 characters of A-Z a-z 0-9 . _ - (an EventBridge Scheduler schedule group name)."
  }
}

variable "schedule_expression" {
  type        = string
  description = "EventBridge Scheduler expression, rate(...) or cron(...), evaluated in UTC. Each run does all lookback_days settled days, so hourly is plenty; one that finds nothing new costs a few listings."
  default     = "rate(1 hour)"

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be a rate(...) or cron(...) expression (one-time at(...) schedules are not useful here)."
  }
}

variable "alarm_sns_topic_arns" {
  type        = list(string)
  description = "SNS topic ARNs of this account and region notified when a compactor alarm fires and when it recovers (a topic encrypted with a customer managed key must let cloudwatch.amazonaws.com use it). Empty (default): this module creates the topic <name_prefix>-compactor-alarms, encrypted with a key of its own, and notifies it (output alarm_topic_arn); subscribe to it."
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "alarm_sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}; not: ${join(", ", [for arn in var.alarm_sns_topic_arns : arn if !can(regex(local.names.sns_topic_arn.regex, arn))])}."
  }
}

variable "deferred_alarm_hours" {
  type        = number
  description = "Alarm when every compactor run of the last this many hours left partitions for the next run (PartitionsDeferred > 0 in each): the compactor is not keeping up. Default 3, i.e. three runs at the default rate(1 hour); keep it at two or more schedule intervals. null: no such alarm. 1 to 24."
  default     = 3

  validation {
    condition     = var.deferred_alarm_hours == null || try(var.deferred_alarm_hours >= 1 && var.deferred_alarm_hours <= 24 && floor(var.deferred_alarm_hours) == var.deferred_alarm_hours, false)
    error_message = "deferred_alarm_hours must be null or a whole number of hours from 1 to 24."
  }
}

variable "not_running_alarm_hours" {
  type        = number
  description = "Silence is an alarm: alarm when the compactor was not invoked at all for this many hours (the schedule, its role or the function is broken). Default 3, three missed runs at the default rate(1 hour); set it above the interval of a slower schedule_expression. null: no such alarm. 1 to 168 (CloudWatch evaluates at most 7 days of hourly periods)."
  default     = 3

  validation {
    condition     = var.not_running_alarm_hours == null || try(var.not_running_alarm_hours >= 1 && var.not_running_alarm_hours <= 168 && floor(var.not_running_alarm_hours) == var.not_running_alarm_hours, false)
    error_message = "not_running_alarm_hours must be null or a whole number of hours from 1 to 168 (CloudWatch's 7-day limit on period x evaluation periods)."
  }
}
