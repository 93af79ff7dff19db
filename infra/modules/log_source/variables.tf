locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))

  # The metrics the shipper emits (namespace, dimension, names): written once
  # in infra/layout/metrics.json, read here as names.json is above. The
  # alarms and the dashboard name each metric through local.metric below.
  metrics = jsondecode(file("${path.module}/../../layout/metrics.json"))
}

# ---------------------------------------------------------------------------
# Identity and naming
# ---------------------------------------------------------------------------

variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name this module creates (queue, function, log group, alarms)."
  default     = "logferry"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name_prefix))
    error_message = "name_prefix must be ${local.names.name_prefix.rule}."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id of the source account (A). Must match the account of the provider passed to this module; it is also handed to the shipper as LOGFERRY_SOURCE_ACCOUNT."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}

# ---------------------------------------------------------------------------
# Log buckets (existing; nothing on them changes unless asked)
# ---------------------------------------------------------------------------

variable "log_buckets" {
  type = map(object({
    prefixes    = optional(list(string), [""])
    kms_key_arn = optional(string)
  }))
  description = <<-EOT
    The log buckets of this account and region whose new objects are shipped, keyed by bucket name: the buckets the
    account's S3 server access logs (or application logs) already land in. prefixes limits what is shipped ([""], the
    default, ships every object; "s3-access/" ships only keys starting with it). kms_key_arn: the customer managed key
    encrypting the bucket's objects (the shipper gets kms:Decrypt on it); null for SSE-S3. This module reads these
    buckets and never changes their policy, lifecycle, logging or (unless listed in eventbridge_notification_buckets)
    notification configuration.
  EOT

  validation {
    condition     = length(var.log_buckets) > 0
    error_message = "log_buckets must name at least one log bucket."
  }

  validation {
    condition     = alltrue([for name in keys(var.log_buckets) : can(regex(local.names.bucket.regex, name))])
    error_message = "log_buckets keys must each be ${local.names.bucket.rule}; not: ${join(", ", [for name in keys(var.log_buckets) : name if !can(regex(local.names.bucket.regex, name))])}."
  }

  validation {
    # "" alone means the whole bucket; otherwise a key prefix of S3's safe
    # characters plus '/', not starting with '/' and without '..' or '//'.
    condition = alltrue(flatten([
      for bucket in values(var.log_buckets) : concat(
        [length(bucket.prefixes) > 0],
        [for prefix in bucket.prefixes : prefix == "" || (
          can(regex("^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*$", prefix)) && !strcontains(prefix, "..") && !strcontains(prefix, "//")
        )],
      )
    ]))
    error_message = "log_buckets[*].prefixes must be a non-empty list of key prefixes (\"\" for the whole bucket) of letters, digits, !_.*'()- and '/', not starting with '/', without '..' or '//'."
  }

  validation {
    condition = alltrue([
      for bucket in values(var.log_buckets) :
      bucket.kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, bucket.kms_key_arn))
    ])
    error_message = "log_buckets[*].kms_key_arn must be null or ${local.names.kms_key_arn.rule}; wrong for: ${join(", ", [for name, bucket in var.log_buckets : name if !(bucket.kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, bucket.kms_key_arn)))])}."
  }
}

variable "eventbridge_notification_buckets" {
  type        = set(string)
  description = <<-EOT
    Log buckets (keys of log_buckets) on which this module turns on S3 -> EventBridge delivery with an
    aws_s3_bucket_notification { eventbridge = true }. That resource REPLACES the bucket's whole notification
    configuration, so list only buckets that have no notification configuration of their own. For the others, add
    "EventBridgeConfiguration": {} to their existing configuration yourself (aws s3api
    get-bucket-notification-configuration, then put-bucket-notification-configuration; see the README), which keeps
    their existing notifications. Default: empty, nothing on any bucket changes.
  EOT
  default     = []
}

# ---------------------------------------------------------------------------
# Destination (account B)
# ---------------------------------------------------------------------------

variable "mode" {
  type        = string
  description = "How the shipper authenticates to the archive: \"direct\" (its own role, allowed by the archive bucket policy) or \"assume-role\" (assumes writer_role_arn with external_id)."
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket in account B (B's source_root_tfvars); its ARN is derived from the name."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash (B's source_root_tfvars). The shipper writes under <archive_prefix>/<source_account_id>/ only."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "archive_kms_key_arn" {
  type        = string
  description = "Direct mode only: ARN of the KMS key encrypting the archive bucket in account B (B's output archive_kms_key_arn), or a key/* pattern of B. Grants kms:GenerateDataKey/Decrypt via S3 for the archive prefix only. Null when the archive uses SSE-S3; ignored in assume-role mode (B's writer role carries that grant)."
  default     = null

  validation {
    condition     = var.archive_kms_key_arn == null || can(regex(local.names.kms_key_arn_or_all.regex, var.archive_kms_key_arn))
    error_message = "archive_kms_key_arn must be null or ${local.names.kms_key_arn_or_all.rule}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "Assume-role mode only (required there): ARN of this account's writer role in account B (B's source_root_tfvars)."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }
}

variable "external_id" {
  type        = string
  description = "Assume-role mode only (required there): sts:ExternalId required by the writer role's trust policy (B's source_root_tfvars)."
  default     = null

  validation {
    condition     = var.external_id == null || can(regex(local.names.external_id.regex, var.external_id))
    error_message = "external_id must be null or ${local.names.external_id.rule}."
  }
}

# ---------------------------------------------------------------------------
# Shipper Lambda
# ---------------------------------------------------------------------------

variable "shipper_role_name" {
  type        = string
  description = "Name of the shipper's IAM role (path /). Defaults to \"<name_prefix>-shipper\". The archive side needs arn:aws:iam::<source_account_id>:role/<this name>."
  default     = null

  validation {
    condition     = var.shipper_role_name == null || can(regex(local.names.role_name.regex, var.shipper_role_name))
    error_message = "shipper_role_name must be null or ${local.names.role_name.rule}."
  }
}

variable "shipping_enabled" {
  type        = bool
  description = "Whether the event source mapping delivers queued events to the shipper. Set false to pause shipping: events queue up (for queue_message_retention_seconds) and are shipped once it is true again."
  default     = true
}

variable "lambda_zip_path" {
  type        = string
  description = "Path to the shipper deployment zip, as built by `cargo lambda build --release --arm64 --output-format zip`. Relative paths resolve from the directory terraform runs in."
  default     = "target/lambda/shipper/bootstrap.zip"
}

variable "function_timeout_seconds" {
  type        = number
  description = "Shipper function timeout. The queue's visibility timeout is derived from it (6x plus the batching window)."
  default     = 120

  validation {
    condition     = var.function_timeout_seconds >= 10 && var.function_timeout_seconds <= 900
    error_message = "function_timeout_seconds must be between 10 and 900."
  }
}

variable "memory_size_mb" {
  type        = number
  description = "Shipper memory in MB (also scales its CPU and network share)."
  default     = 512

  validation {
    condition     = var.memory_size_mb >= 128 && var.memory_size_mb <= 10240
    error_message = "memory_size_mb must be between 128 and 10240."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrent executions for the shipper; -1 (default) reserves none and relies on maximum_concurrency. When set, it must be at least maximum_concurrency so the event source mapping is never throttled."
  default     = -1

  validation {
    condition     = var.reserved_concurrency == -1 || var.reserved_concurrency >= 2
    error_message = "reserved_concurrency must be -1 (unreserved) or at least 2."
  }
}

variable "maximum_concurrency" {
  type        = number
  description = "Maximum concurrent shipper invocations the SQS event source mapping may start."
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000 (SQS event source mapping limits)."
  }
}

variable "batch_size" {
  type        = number
  description = "Messages per shipper invocation."
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10
    error_message = "batch_size must be between 1 and 10."
  }
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "How long the event source mapping waits to fill a batch."
  default     = 5

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be between 0 and 300."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Deliveries of a message before SQS moves it to the dead-letter queue."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "queue_message_retention_seconds" {
  type        = number
  description = "How long undelivered notifications stay on the main queue."
  default     = 345600

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600
    error_message = "queue_message_retention_seconds must be between 60 and 1209600."
  }
}

variable "key_template" {
  type        = string
  description = "Optional LOGFERRY_KEY_TEMPLATE for destination keys; null keeps the shipper's default (infra/layout/archive-key-template.txt, S3's partitioned layout, which athena_archive's table reads). A custom template must still start with {prefix}/{account}/ (the shipper may only write its account's partition) and needs its own Athena table."
  default     = null
}

variable "shipper_concurrency" {
  type        = number
  description = "Optional LOGFERRY_CONCURRENCY: objects copied in parallel inside one invocation; null keeps the shipper's default."
  default     = null

  validation {
    condition     = var.shipper_concurrency == null || try(var.shipper_concurrency >= 1, false)
    error_message = "shipper_concurrency must be at least 1."
  }
}

variable "application_log_level" {
  type        = string
  description = "Lambda application log level filter (JSON log format)."
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the shipper's CloudWatch log group."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "tracing_mode" {
  type        = string
  description = "X-Ray tracing mode for the shipper: \"PassThrough\" or \"Active\"."
  default     = "PassThrough"

  validation {
    condition     = contains(["PassThrough", "Active"], var.tracing_mode)
    error_message = "tracing_mode must be \"PassThrough\" or \"Active\"."
  }
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

variable "alarm_sns_topic_arns" {
  type        = list(string)
  description = "SNS topic ARNs of this account and region notified when an alarm fires or recovers (a topic encrypted with a customer managed key must let cloudwatch.amazonaws.com use it). Empty (default): this module creates the topic <name_prefix>-shipper-alarms, encrypted with a key of its own, and notifies it (output alarm_topic_arn); subscribe to it."
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "alarm_sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}; not: ${join(", ", [for arn in var.alarm_sns_topic_arns : arn if !can(regex(local.names.sns_topic_arn.regex, arn))])}."
  }
}

variable "oldest_message_alarm_seconds" {
  type        = number
  description = "Alarm when the oldest message on the main queue is older than this (shipping has stalled)."
  default     = 3600

  validation {
    condition     = var.oldest_message_alarm_seconds >= 60
    error_message = "oldest_message_alarm_seconds must be at least 60."
  }
}

variable "lag_alarm_seconds" {
  type        = number
  description = "Alarm when the p90 of LagSeconds stays above this for two hours in a row. LagSeconds starts at the log's own time as the shipper reads it (an access log's delivery stamp in its key, else the S3 event's time), so S3's own best-effort delivery delay comes before it; what it measures is logferry's path (EventBridge, the queue, the copy), normally seconds to minutes. Default 3600 (1 h): even an object retried max_receive_count (5) times at the queue's visibility timeout (6 x 120 s + 5 s) lands about an hour late at most before it is dead-lettered, so a p90 above an hour means most logs, not a few retried ones, are late."
  default     = 3600

  validation {
    condition     = var.lag_alarm_seconds >= 300 && var.lag_alarm_seconds <= 604800 && floor(var.lag_alarm_seconds) == var.lag_alarm_seconds
    error_message = "lag_alarm_seconds must be a whole number of seconds from 300 to 604800 (7 days)."
  }
}

variable "failure_rate_alarm_percent" {
  type        = number
  description = "Alarm when the objects that failed (ObjectsFailedRetryable + ObjectsFailedPermanent + ObjectsAccessDenied) exceed this percentage of the objects attempted (failed + ObjectsShipped) in two 15-minute periods in a row. Default 10: occasional throttling retried successfully stays below it; a refused key, bucket policy or role, or a broken object type does not."
  default     = 10

  validation {
    condition     = var.failure_rate_alarm_percent >= 0 && var.failure_rate_alarm_percent < 100
    error_message = "failure_rate_alarm_percent must be at least 0 and below 100."
  }
}

variable "silence_alarm_hours" {
  type        = number
  description = "Silence is an alarm: alarm when the shipper ships no object at all for this many hours (no invocation counts as nothing shipped). Default 24: an audited bucket in use produces access logs every day. null: no silence alarm, for accounts whose log buckets are idle by nature. 1 to 168 (CloudWatch evaluates at most 7 days of hourly periods)."
  default     = 24

  validation {
    condition     = var.silence_alarm_hours == null || try(var.silence_alarm_hours >= 1 && var.silence_alarm_hours <= 168 && floor(var.silence_alarm_hours) == var.silence_alarm_hours, false)
    error_message = "silence_alarm_hours must be null or a whole number of hours from 1 to 168 (CloudWatch's 7-day limit on period x evaluation periods)."
  }
}

# ---------------------------------------------------------------------------
# Redrive
# ---------------------------------------------------------------------------

variable "redrive_principal_arns" {
  type        = list(string)
  description = "IAM role ARNs (people's SSO roles, a CI role) allowed to assume the role <name_prefix>-redrive, which may move the DLQ's messages back to the queue (logferry redrive; infra/policies/redrive.json.tpl) and nothing else. Empty (default): no redrive role."
  default     = []

  validation {
    condition     = alltrue([for arn in var.redrive_principal_arns : can(regex(local.names.role_arn.regex, arn))])
    error_message = "redrive_principal_arns entries must each be ${local.names.role_arn.rule}; not: ${join(", ", [for arn in var.redrive_principal_arns : arn if !can(regex(local.names.role_arn.regex, arn))])}."
  }
}
