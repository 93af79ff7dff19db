locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))

  # Worker settings a caller may add through `settings`: the closed set of
  # tuning variables the worker reads (crates/logferry/src/ship/settings.rs,
  # crates/logferry/src/settings.rs) that no other variable of this module sets.
  tunable_settings = [
    "LOGFERRY_SESSION_NAME",
    "LOGFERRY_PART_SIZE_MIB",
    "LOGFERRY_PART_CONCURRENCY",
    "LOGFERRY_COPY_PART_THRESHOLD_MIB",
    "LOGFERRY_CONNECT_TIMEOUT_SECONDS",
    "LOGFERRY_READ_TIMEOUT_SECONDS",
  ]
}

variable "name" {
  type        = string
  description = "Name of the service, task definition family, cluster (when created), log group (/ecs/<name>), execution role (<name>-execution), alarms and scaling policies; also the worker's metrics Service dimension (LOGFERRY_METRICS_SERVICE)."
  default     = "logferry-worker"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name))
    error_message = "name must be ${local.names.name_prefix.rule}."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id (A) the worker runs in; the task role and the queue must belong to it. Handed to the worker as LOGFERRY_SOURCE_ACCOUNT."

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
# Image, task role and queue
# ---------------------------------------------------------------------------

variable "image" {
  type        = string
  description = "The logferry image (packaging/container, built for arm64 by scripts/image.sh) as an ECR URI with a tag or a digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>. The execution role may pull from that repository only."

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr(-fips)?\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.image))
    error_message = "image must be an ECR image URI with a tag or digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or <repository>@sha256:<64 hex digits>."
  }
}

variable "task_role_arn" {
  type        = string
  description = "The task role: writer_principal's role_arn, created with service_principals including ecs-tasks.amazonaws.com. It must be a role of source_account_id; with attach_queue_policy this module adds the queue to it."

  validation {
    condition     = can(regex(local.names.role_arn.regex, var.task_role_arn))
    error_message = "task_role_arn must be ${local.names.role_arn.rule}."
  }
}

variable "attach_queue_policy" {
  type        = bool
  description = "Attach an inline policy <name>-queue to the task role that consumes queue_arn (shipper-queue-consume.json.tpl). False when the role already has it. A queue encrypted with a customer managed key (not log_source's, which uses SQS-managed encryption) also needs kms:Decrypt on that key, which this module does not grant."
  default     = true
}

variable "queue_arn" {
  type        = string
  description = "The queue of S3 notifications the worker polls (log_source's queue_arn, or a queue of your own), in source_account_id and the provider's region. Its URL (LOGFERRY_QUEUE_URL) and the scaling alarms' QueueName come from it. A queue the shipper Lambda also consumes is shared between both."

  validation {
    condition     = can(regex(local.names.sqs_queue_arn.regex, var.queue_arn))
    error_message = "queue_arn must be ${local.names.sqs_queue_arn.rule}."
  }
}

# ---------------------------------------------------------------------------
# Archive (the same inputs as log_source's shipper)
# ---------------------------------------------------------------------------

variable "mode" {
  type        = string
  description = "LOGFERRY_AUTH_MODE: \"direct\" (the task role writes to the archive itself) or \"assume-role\" (it assumes writer_role_arn with external_id). Must match the task role's writer_principal mode."
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "LOGFERRY_DEST_BUCKET: name of the archive bucket in account B."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "LOGFERRY_DEST_PREFIX: key prefix in the archive bucket, without leading or trailing slash."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "LOGFERRY_ROLE_ARN, assume-role mode only (required there): this account's writer role in account B."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }
}

variable "external_id" {
  type        = string
  description = "LOGFERRY_EXTERNAL_ID, assume-role mode only (required there): the sts:ExternalId the writer role's trust policy requires."
  default     = null

  validation {
    condition     = var.external_id == null || can(regex(local.names.external_id.regex, var.external_id))
    error_message = "external_id must be null or ${local.names.external_id.rule}."
  }
}

variable "key_template" {
  type        = string
  description = "Optional LOGFERRY_KEY_TEMPLATE; null keeps the worker's default (infra/layout/archive-key-template.txt)."
  default     = null
}

variable "concurrency" {
  type        = number
  description = "Optional LOGFERRY_CONCURRENCY: objects one task ships at once, 1-256; null keeps the worker's default (8)."
  default     = null

  validation {
    condition     = var.concurrency == null || try(var.concurrency >= 1 && var.concurrency <= 256 && floor(var.concurrency) == var.concurrency, false)
    error_message = "concurrency must be null or a whole number from 1 to 256."
  }
}

variable "visibility_timeout_seconds" {
  type        = number
  description = "Optional LOGFERRY_VISIBILITY_TIMEOUT: seconds a received message stays invisible, extended while it is shipped (0-43200); null keeps the worker's default (120)."
  default     = null

  validation {
    condition     = var.visibility_timeout_seconds == null || try(var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds, false)
    error_message = "visibility_timeout_seconds must be null or a whole number from 0 to 43200."
  }
}

variable "settings" {
  type        = map(string)
  description = "Further worker settings by variable name, from LOGFERRY_SESSION_NAME, LOGFERRY_PART_SIZE_MIB, LOGFERRY_PART_CONCURRENCY, LOGFERRY_COPY_PART_THRESHOLD_MIB, LOGFERRY_CONNECT_TIMEOUT_SECONDS and LOGFERRY_READ_TIMEOUT_SECONDS; the worker checks their values at start."
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.settings) : contains(local.tunable_settings, name)])
    error_message = "settings may only hold ${join(", ", local.tunable_settings)} (the other settings have variables of their own); not: ${join(", ", [for name in keys(var.settings) : name if !contains(local.tunable_settings, name)])}."
  }
}

variable "log_filter" {
  type        = string
  description = "RUST_LOG of the worker (tracing's EnvFilter directives, e.g. \"info\" or \"logferry=debug,info\"); its logs go to stderr, its EMF metrics to stdout, both to the log group."
  default     = "info"

  validation {
    condition     = can(regex("^[A-Za-z0-9_:=,.-]+$", var.log_filter))
    error_message = "log_filter must be EnvFilter directives: letters, digits and _:=,.- only."
  }
}
