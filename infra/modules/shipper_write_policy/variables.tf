locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "mode" {
  type        = string
  description = "\"direct\": the principal writes to the archive bucket itself. \"assume-role\": it assumes writer_role_arn, which writes."

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_arn" {
  type        = string
  description = "ARN of the archive bucket in account B (direct mode), derived by the caller from the bucket name so account A never reads B's state."

  validation {
    condition     = can(regex(local.names.bucket_arn.regex, var.archive_bucket_arn))
    error_message = "archive_bucket_arn must be ${local.names.bucket_arn.rule}."
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

variable "source_account_id" {
  type        = string
  description = "Account id (A) of the writer. Direct mode writes only under <archive_prefix>/<source_account_id>/, the account's own partition of the archive (the shipper's default key template starts with it)."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "archive_kms_key_arns" {
  type        = list(string)
  description = "Direct mode only: KMS key ARNs (or key/* in account B) encrypting the archive bucket. Empty when the archive uses SSE-S3. Ignored in assume-role mode, where the writer role in B carries that grant."
  default     = []

  validation {
    condition     = alltrue([for arn in var.archive_kms_key_arns : can(regex(local.names.kms_key_arn_or_all.regex, arn))])
    error_message = "archive_kms_key_arns entries must each be ${local.names.kms_key_arn_or_all.rule}; not: ${join(", ", [for arn in var.archive_kms_key_arns : arn if !can(regex(local.names.kms_key_arn_or_all.regex, arn))])}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "Assume-role mode: ARN of the writer role in account B (required there; see the configuration_errors output). Ignored in direct mode."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }
}
