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
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.archive_bucket_arn))
    error_message = "archive_bucket_arn must be an S3 bucket ARN without a key part."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash (direct mode)."

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.archive_prefix)) && !strcontains(var.archive_prefix, "..")
    error_message = "archive_prefix must be non-empty, without leading/trailing slash, empty path segments or '..'."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id (A) of the writer. Direct mode writes only under <archive_prefix>/<source_account_id>/, the account's own partition of the archive (the shipper's default key template starts with it)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "archive_kms_key_arns" {
  type        = list(string)
  description = "Direct mode only: KMS key ARNs (or key/* in account B) encrypting the archive bucket. Empty when the archive uses SSE-S3. Ignored in assume-role mode, where the writer role in B carries that grant."
  default     = []

  validation {
    condition = alltrue([
      for arn in var.archive_kms_key_arns :
      can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f-]+|\\*)$", arn))
    ])
    error_message = "archive_kms_key_arns entries must be KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID or key/*)."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "Assume-role mode: ARN of the writer role in account B (required there; see the configuration_errors output). Ignored in direct mode."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.writer_role_arn))
    error_message = "writer_role_arn must be an IAM role ARN."
  }
}
