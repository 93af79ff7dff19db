locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "source_account_id" {
  type        = string
  description = "Account id (A) the buckets are created in; checked against the provider's account, and the only account whose buckets may deliver logs here (aws:SourceAccount)."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "log_bucket_name" {
  type        = string
  description = "Name of the new log bucket (server access logs land here; log_source ships them)."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.log_bucket_name))
    error_message = "log_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "log_prefix" {
  type        = string
  description = "Key prefix, without leading or trailing slash, under which S3 delivers server access logs in the log bucket (the audited buckets' target_prefix is \"<log_prefix>/\"). The log delivery statement allows writes under it only."
  default     = "s3-access"

  validation {
    condition     = can(regex(local.names.prefix.regex, var.log_prefix))
    error_message = "log_prefix must be ${local.names.prefix.rule}."
  }
}

variable "audited_bucket_names" {
  type        = set(string)
  description = "New audited buckets to create, each with server access logging into the log bucket (partitioned key format, EventTime). Empty: only the log bucket."
  default     = []

  validation {
    condition     = alltrue([for name in var.audited_bucket_names : can(regex(local.names.bucket.regex, name))])
    error_message = "audited_bucket_names entries must each be ${local.names.bucket.rule}; not: ${join(", ", [for name in var.audited_bucket_names : name if !can(regex(local.names.bucket.regex, name))])}."
  }
}

variable "log_delivery_source_bucket_arns" {
  type        = list(string)
  description = "ARNs of EXISTING audited buckets of this account allowed to deliver server access logs into the log bucket (aws:SourceArn of the log delivery statement), in addition to the ones created here. This module does not change their logging configuration: point it at the log bucket yourself (target prefix \"<log_prefix>/\", partitioned key format)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_delivery_source_bucket_arns : can(regex(local.names.bucket_arn.regex, arn))])
    error_message = "log_delivery_source_bucket_arns entries must each be ${local.names.bucket_arn.rule}; not: ${join(", ", [for arn in var.log_delivery_source_bucket_arns : arn if !can(regex(local.names.bucket_arn.regex, arn))])}."
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
