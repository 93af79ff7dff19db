locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "role_name" {
  type        = string
  description = "Name of the IAM role (path /) to create for workloads that write to the archive. Its ARN is arn:aws:iam::<source_account_id>:role/<role_name>."

  validation {
    condition     = can(regex(local.names.role_name.regex, var.role_name))
    error_message = "role_name must be ${local.names.role_name.rule}."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id (A) the role is created in; checked against the provider's account when create_role is true."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "create_role" {
  type        = bool
  description = "Create the IAM role. Set false in a second instance of this module that only creates the Identity Center permission set (with the provider of the Identity Center account)."
  default     = true
}

variable "service_principals" {
  type        = list(string)
  description = "AWS services whose workloads may assume the role: any of ecs-tasks.amazonaws.com (ECS tasks, and AWS Batch jobs, whose job role is an ECS task role), lambda.amazonaws.com and glue.amazonaws.com. ECS and Lambda may assume it only for workloads of source_account_id (aws:SourceAccount)."
  default     = ["ecs-tasks.amazonaws.com"]

  validation {
    condition     = length(var.service_principals) > 0 && alltrue([for p in var.service_principals : contains(["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "glue.amazonaws.com"], p)])
    error_message = "service_principals must be a non-empty list of ecs-tasks.amazonaws.com, lambda.amazonaws.com and glue.amazonaws.com (Batch jobs use ecs-tasks); not: ${join(", ", [for p in var.service_principals : p if !contains(["ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "glue.amazonaws.com"], p)])}."
  }
}

variable "max_session_duration_seconds" {
  type        = number
  description = "Maximum session duration of the role."
  default     = 3600

  validation {
    condition     = var.max_session_duration_seconds >= 3600 && var.max_session_duration_seconds <= 43200
    error_message = "max_session_duration_seconds must be between 3600 and 43200."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Optional permissions boundary policy ARN for the role."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex(local.names.policy_arn.regex, var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or ${local.names.policy_arn.rule}."
  }
}

variable "mode" {
  type        = string
  description = "\"direct\": the role writes to the archive bucket itself (list its ARN in the archive's writer_principal_arns). \"assume-role\": it assumes writer_role_arn (list its ARN in the archive's shipper_principal_arns)."
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket in account B (direct mode)."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash (direct mode)."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "archive_kms_key_arns" {
  type        = list(string)
  description = "Direct mode only: KMS key ARNs (or key/* in account B) encrypting the archive bucket. Empty when the archive uses SSE-S3."
  default     = []

  validation {
    condition     = alltrue([for arn in var.archive_kms_key_arns : can(regex(local.names.kms_key_arn_or_all.regex, arn))])
    error_message = "archive_kms_key_arns entries must each be ${local.names.kms_key_arn_or_all.rule}; not: ${join(", ", [for arn in var.archive_kms_key_arns : arn if !can(regex(local.names.kms_key_arn_or_all.regex, arn))])}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "Assume-role mode only: ARN of the writer role in account B."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }
}

variable "source_object_arns" {
  type        = list(string)
  description = "S3 object ARN patterns the workload may read and ship, e.g. [\"arn:aws:s3:::my-logs/s3-access/*\"]."

  validation {
    condition     = length(var.source_object_arns) > 0
    error_message = "source_object_arns must list at least one value."
  }

  validation {
    condition     = alltrue([for arn in var.source_object_arns : can(regex(local.names.object_arn.regex, arn))])
    error_message = "source_object_arns entries must each be ${local.names.object_arn.rule}; not: ${join(", ", [for arn in var.source_object_arns : arn if !can(regex(local.names.object_arn.regex, arn))])}."
  }
}

variable "source_bucket_arns" {
  type        = list(string)
  description = "S3 bucket ARNs the workload may list (e.g. a CLI that backfills a prefix). Empty: no s3:ListBucket."
  default     = []

  validation {
    condition     = alltrue([for arn in var.source_bucket_arns : can(regex(local.names.bucket_arn.regex, arn))])
    error_message = "source_bucket_arns entries must each be ${local.names.bucket_arn.rule}; not: ${join(", ", [for arn in var.source_bucket_arns : arn if !can(regex(local.names.bucket_arn.regex, arn))])}."
  }
}

variable "source_kms_key_arns" {
  type        = list(string)
  description = "KMS keys that encrypt the source objects (kms:Decrypt is granted on them). Empty for SSE-S3 sources."
  default     = []

  validation {
    condition     = alltrue([for arn in var.source_kms_key_arns : can(regex(local.names.kms_key_arn.regex, arn))])
    error_message = "source_kms_key_arns entries must each be ${local.names.kms_key_arn.rule}; not: ${join(", ", [for arn in var.source_kms_key_arns : arn if !can(regex(local.names.kms_key_arn.regex, arn))])}."
  }
}

variable "create_permission_set" {
  type        = bool
  description = "Also create an IAM Identity Center permission set carrying the same policy (for people running the CLI). Needs the provider of the Identity Center (management or delegated admin) account."
  default     = false
}

variable "sso_instance_arn" {
  type        = string
  description = "ARN of the IAM Identity Center instance; required when create_permission_set is true."
  default     = null

  validation {
    condition     = var.sso_instance_arn == null || can(regex("^arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$", var.sso_instance_arn))
    error_message = "sso_instance_arn must be an IAM Identity Center instance ARN (arn:aws:sso:::instance/ssoins-...)."
  }
}

variable "permission_set_name" {
  type        = string
  description = "Name of the Identity Center permission set."
  default     = "LogferryArchiveWriter"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,32}$", var.permission_set_name))
    error_message = "permission_set_name must be 1-32 characters from [A-Za-z0-9+=,.@_-]."
  }
}

variable "permission_set_session_duration" {
  type        = string
  description = "ISO-8601 session duration of the permission set."
  default     = "PT1H"

  validation {
    condition     = can(regex("^PT([1-9]|1[0-2])H$", var.permission_set_session_duration))
    error_message = "permission_set_session_duration must be PT1H to PT12H."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}
