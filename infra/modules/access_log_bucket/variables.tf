variable "source_account_id" {
  type        = string
  description = "Account id (A) the buckets are created in; checked against the provider's account, and the only account whose buckets may deliver logs here (aws:SourceAccount)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "log_bucket_name" {
  type        = string
  description = "Name of the new log bucket (server access logs land here; log_source ships them)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_name))
    error_message = "log_bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "log_prefix" {
  type        = string
  description = "Key prefix, without leading or trailing slash, under which S3 delivers server access logs in the log bucket (the audited buckets' target_prefix is \"<log_prefix>/\"). The log delivery statement allows writes under it only."
  default     = "s3-access"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.log_prefix)) && !strcontains(var.log_prefix, "..")
    error_message = "log_prefix must be non-empty, without leading/trailing slash, empty path segments or '..'."
  }
}

variable "audited_bucket_names" {
  type        = set(string)
  description = "New audited buckets to create, each with server access logging into the log bucket (partitioned key format, EventTime). Empty: only the log bucket."
  default     = []

  validation {
    condition     = alltrue([for name in var.audited_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", name))])
    error_message = "audited_bucket_names must be valid S3 bucket names (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "log_delivery_source_bucket_arns" {
  type        = list(string)
  description = "ARNs of EXISTING audited buckets of this account allowed to deliver server access logs into the log bucket (aws:SourceArn of the log delivery statement), in addition to the ones created here. This module does not change their logging configuration: point it at the log bucket yourself (target prefix \"<log_prefix>/\", partitioned key format)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_delivery_source_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "log_delivery_source_bucket_arns entries must be S3 bucket ARNs without a key part."
  }
}

variable "log_bucket_policy_documents" {
  type        = list(string)
  description = "Extra policy documents (JSON) merged into the log bucket's policy with source_policy_documents, e.g. athena_direct's source_bucket_policy_json. Statement Sids must not repeat this module's (DenyInsecureTransport, AllowS3ServerAccessLogDelivery)."
  default     = []

  validation {
    condition     = alltrue([for doc in var.log_bucket_policy_documents : can(jsondecode(doc).Statement)])
    error_message = "log_bucket_policy_documents entries must be IAM policy documents in JSON, with a Statement."
  }
}

variable "log_expiration_days" {
  type        = number
  description = "Days after which log objects expire from the log bucket. Null (default): never; logferry deletes nothing unless asked."
  default     = null

  validation {
    condition     = var.log_expiration_days == null || try(var.log_expiration_days >= 1, false)
    error_message = "log_expiration_days must be null or at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which noncurrent object versions expire in the buckets created here."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "kms_enabled" {
  type        = bool
  description = "Create a customer managed KMS key and use SSE-KMS for the buckets created here (its ARN is the kms_key_arn output, for log_source's log_buckets). When false, SSE-S3."
  default     = false
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform destroy to delete non-empty buckets. Keep false outside throwaway environments."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}
