locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "name" {
  type        = string
  description = "Name of the Glue job; its role policy is <name>-job."
  default     = "logferry-ship"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name))
    error_message = "name must be ${local.names.name_prefix.rule}."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id (A) the job runs in; role_arn must belong to it. Passed as --logferry-source-account."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "role_arn" {
  type        = string
  description = "The job's role: writer_principal's role_arn, created with service_principals including glue.amazonaws.com. With attach_job_policy this module lets it read the script and the wheel and write Glue's Python shell logs."

  validation {
    condition     = can(regex(local.names.role_arn.regex, var.role_arn))
    error_message = "role_arn must be ${local.names.role_arn.rule}."
  }
}

variable "attach_job_policy" {
  type        = bool
  description = "Attach an inline policy <name>-job to role_arn: s3:GetObject on script_s3_uri and wheel_s3_uri (job-artifact-read.json.tpl) and Glue's Python shell log groups (glue-job-logs.json.tpl). False when the role already has them."
  default     = true
}

variable "script_s3_uri" {
  type        = string
  description = "The job script, e.g. this module's script/ship_job.py uploaded to s3://<bucket>/<key>.py."

  validation {
    condition     = can(regex(local.names.s3_object_uri.regex, var.script_s3_uri)) && endswith(var.script_s3_uri, ".py")
    error_message = "script_s3_uri must be ${local.names.s3_object_uri.rule}, ending in .py."
  }
}

variable "wheel_s3_uri" {
  type        = string
  description = "The logferry wheel on S3 (a .whl built for CPython 3.9 on x86_64 Linux), installed through --extra-py-files."

  validation {
    condition     = can(regex(local.names.s3_object_uri.regex, var.wheel_s3_uri)) && endswith(var.wheel_s3_uri, ".whl")
    error_message = "wheel_s3_uri must be ${local.names.s3_object_uri.rule}, ending in .whl."
  }
}

variable "additional_python_modules" {
  type        = list(string)
  description = "Optional --additional-python-modules: package index requirements (e.g. \"boto3==1.34.0\") installed with pip3 before the script runs. Python shell jobs take no S3 URIs here (the wheel is wheel_s3_uri)."
  default     = []

  validation {
    condition     = alltrue([for m in var.additional_python_modules : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*(\\[[A-Za-z0-9,._-]+\\])?([<>=!~]=?[A-Za-z0-9.*+!_-]+(,[<>=!~]=?[A-Za-z0-9.*+!_-]+)*)?$", m))])
    error_message = "additional_python_modules entries must each be a package requirement such as name or name==1.2.3 (no s3:// URI, no spaces or commas between packages)."
  }
}

variable "library_set" {
  type        = string
  description = "Glue's library-set of Python 3.9 shell jobs: \"analytics\" (the preinstalled common libraries, AWS's recommended default) or \"none\"."
  default     = "analytics"

  validation {
    condition     = contains(["analytics", "none"], var.library_set)
    error_message = "library_set must be \"analytics\" or \"none\"."
  }
}

variable "mode" {
  type        = string
  description = "--logferry-auth-mode: \"direct\" (the role writes to the archive itself) or \"assume-role\" (it assumes writer_role_arn with external_id). Must match role_arn's writer_principal mode."
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "--logferry-archive-bucket: name of the archive bucket in account B."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "--logferry-archive-prefix: key prefix in the archive bucket, without leading or trailing slash."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "--logferry-role-arn, assume-role mode only (required there): this account's writer role in account B."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }
}

variable "external_id" {
  type        = string
  description = "--logferry-external-id, assume-role mode only (required there): the sts:ExternalId the writer role's trust policy requires."
  default     = null

  validation {
    condition     = var.external_id == null || can(regex(local.names.external_id.regex, var.external_id))
    error_message = "external_id must be null or ${local.names.external_id.rule}."
  }
}

variable "key_template" {
  type        = string
  description = "Optional --logferry-key-template; null keeps logferry's default (infra/layout/archive-key-template.txt)."
  default     = null
}

variable "concurrency" {
  type        = number
  description = "Optional --logferry-concurrency: objects shipped at once, 1-256; null keeps logferry's default (8)."
  default     = null

  validation {
    condition     = var.concurrency == null || try(var.concurrency >= 1 && var.concurrency <= 256 && floor(var.concurrency) == var.concurrency, false)
    error_message = "concurrency must be null or a whole number from 1 to 256."
  }
}

variable "uris" {
  type        = list(string)
  description = "Optional default --logferry-uris: s3://bucket/key objects and s3://bucket/prefix/ prefixes (trailing slash) to ship. Usually given per run instead: aws glue start-job-run --arguments '{\"--logferry-uris\":\"s3://...\"}'."
  default     = []

  validation {
    condition     = alltrue([for uri in var.uris : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^,\\s]*)?$", uri))])
    error_message = "uris entries must each be s3://<bucket>[/<key or prefix/>] without commas or whitespace."
  }
}

variable "max_capacity" {
  type        = number
  description = "DPUs of a run: 0.0625 (the default) or 1, the two values Python shell jobs take."
  default     = 0.0625

  validation {
    condition     = contains([0.0625, 1], var.max_capacity)
    error_message = "max_capacity must be 0.0625 or 1 (Python shell jobs)."
  }
}

variable "timeout_minutes" {
  type        = number
  description = "Minutes a run may take before Glue stops it (1-2880). Runs are never retried (max_retries 0): a failed run prints one line naming the cause, and shipping again is safe once it is fixed."
  default     = 60

  validation {
    condition     = var.timeout_minutes >= 1 && var.timeout_minutes <= 2880 && floor(var.timeout_minutes) == var.timeout_minutes
    error_message = "timeout_minutes must be a whole number from 1 to 2880."
  }
}

variable "max_concurrent_runs" {
  type        = number
  description = "Runs of the job at once (e.g. several prefixes in parallel)."
  default     = 1

  validation {
    condition     = var.max_concurrent_runs >= 1 && floor(var.max_concurrent_runs) == var.max_concurrent_runs
    error_message = "max_concurrent_runs must be a whole number, 1 or more."
  }
}

variable "security_configuration" {
  type        = string
  description = "Optional Glue security configuration (by name), e.g. to encrypt the job's CloudWatch logs with KMS (its key then needs a grant to the role and logs:AssociateKmsKey)."
  default     = null

  validation {
    condition     = var.security_configuration == null || can(regex("^[A-Za-z0-9_.-]{1,255}$", var.security_configuration))
    error_message = "security_configuration must be null or a security configuration name (letters, digits and _.-)."
  }
}

variable "connections" {
  type        = list(string)
  description = "Optional Glue connections (by name) to run the job inside a VPC; the subnet then needs a route to S3, STS and CloudWatch Logs."
  default     = []
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}
