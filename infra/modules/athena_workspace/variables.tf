locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string

  validation {
    condition     = can(regex(local.names.workgroup_name.regex, var.workgroup_name))
    error_message = "workgroup_name must be ${local.names.workgroup_name.rule}."
  }
}

variable "database_name" {
  description = "Name of the Glue database."
  type        = string

  validation {
    condition     = can(regex(local.names.glue_name.regex, var.database_name))
    error_message = "database_name must be ${local.names.glue_name.rule}."
  }
}

variable "table_names" {
  description = "Tables in the database the analyst role may read (created by the caller)."
  type        = list(string)

  validation {
    condition     = length(var.table_names) > 0
    error_message = "table_names must list at least one value."
  }

  validation {
    condition     = alltrue([for t in var.table_names : can(regex(local.names.glue_name.regex, t))])
    error_message = "table_names entries must each be ${local.names.glue_name.rule}; not: ${join(", ", [for t in var.table_names : t if !can(regex(local.names.glue_name.regex, t))])}."
  }
}

variable "results_bucket_name" {
  description = "Name of the bucket for Athena query results."
  type        = string

  validation {
    condition     = can(regex(local.names.bucket.regex, var.results_bucket_name))
    error_message = "results_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "results_expiration_days" {
  description = "Days after which query results are deleted."
  type        = number

  validation {
    condition     = var.results_expiration_days >= 1 && floor(var.results_expiration_days) == var.results_expiration_days
    error_message = "results_expiration_days must be a whole number >= 1."
  }
}

variable "results_kms_key_arn" {
  description = "KMS key for query results. null creates a dedicated key."
  type        = string
  default     = null

  validation {
    condition     = var.results_kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, var.results_kms_key_arn))
    error_message = "results_kms_key_arn must be null or ${local.names.kms_key_arn.rule}."
  }
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Athena cancels a query in the workgroup once it scans this many bytes (minimum 10 MB)."
  type        = number

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB)."
  }
}

variable "analyst_role_name" {
  description = "Name of the analyst IAM role."
  type        = string

  validation {
    condition     = can(regex(local.names.role_name.regex, var.analyst_role_name))
    error_message = "analyst_role_name must be ${local.names.role_name.rule}."
  }
}

variable "analyst_trusted_principal_arns" {
  description = "IAM roles or users (ARN patterns, * and ? allowed) allowed to assume the analyst role; never an account root, which would hand the choice to that account's IAM administrators. The trust names their accounts' roots and matches aws:PrincipalArn on these."
  type        = list(string)

  validation {
    condition     = length(var.analyst_trusted_principal_arns) > 0
    error_message = "analyst_trusted_principal_arns must list at least one value."
  }

  validation {
    condition     = alltrue([for arn in var.analyst_trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "analyst_trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}; not: ${join(", ", [for arn in var.analyst_trusted_principal_arns : arn if !can(regex(local.names.iam_identity_arn.regex, arn))])}."
  }
}

variable "analyst_organization_id" {
  description = "AWS Organizations id (o-xxxxxxxxxx) every analyst principal belongs to: the trust requires aws:PrincipalOrgID to be it. null: the trust requires MFA (aws:MultiFactorAuthPresent) instead."
  type        = string
  default     = null

  validation {
    condition     = var.analyst_organization_id == null || can(regex(local.names.organization_id.regex, var.analyst_organization_id))
    error_message = "analyst_organization_id must be null or ${local.names.organization_id.rule}."
  }
}

variable "analyst_permissions_boundary_arn" {
  description = "Optional permissions boundary policy ARN for the analyst role."
  type        = string
  default     = null

  validation {
    condition     = var.analyst_permissions_boundary_arn == null || can(regex(local.names.policy_arn.regex, var.analyst_permissions_boundary_arn))
    error_message = "analyst_permissions_boundary_arn must be null or ${local.names.policy_arn.rule}."
  }
}

variable "log_bucket_arn" {
  description = "ARN of the bucket holding the logs the analyst may read."
  type        = string

  validation {
    condition     = can(regex(local.names.bucket_arn.regex, var.log_bucket_arn))
    error_message = "log_bucket_arn must be ${local.names.bucket_arn.rule}."
  }
}

variable "log_key_prefix" {
  description = "Key prefix the analyst may list and read, ending in a slash, or \"\" for the whole bucket."
  type        = string

  validation {
    condition     = var.log_key_prefix == "" || can(regex(local.names.folder_prefix.regex, var.log_key_prefix))
    error_message = "log_key_prefix must be \"\" (the whole bucket) or ${local.names.folder_prefix.rule}."
  }
}

variable "additional_log_key_prefixes" {
  description = "Further key prefixes of the same log bucket the analyst may list and read, each ending in a slash (athena_archive: the compactor's query prefix). Each gets an inline policy of its own."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.additional_log_key_prefixes : can(regex(local.names.folder_prefix.regex, p))])
    error_message = "additional_log_key_prefixes entries must each be ${local.names.folder_prefix.rule}; not: ${join(", ", [for p in var.additional_log_key_prefixes : p if !can(regex(local.names.folder_prefix.regex, p))])}."
  }
}

variable "log_bucket_region" {
  description = "Region of the log bucket, when it differs from this provider's region (used for the kms:ViaService condition)."
  type        = string
  default     = null

  validation {
    condition     = var.log_bucket_region == null || can(regex(local.names.region.regex, var.log_bucket_region))
    error_message = "log_bucket_region must be null or ${local.names.region.rule}."
  }
}

variable "log_kms_key_arns" {
  description = "KMS keys encrypting the log objects; the analyst gets kms:Decrypt on them via S3. Empty for SSE-S3."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_kms_key_arns : can(regex(local.names.kms_key_arn.regex, arn))])
    error_message = "log_kms_key_arns entries must each be ${local.names.kms_key_arn.rule}; not: ${join(", ", [for arn in var.log_kms_key_arns : arn if !can(regex(local.names.kms_key_arn.regex, arn))])}."
  }
}

variable "access_log_bucket_name" {
  description = "Optional bucket receiving the results bucket's own server access logs. null disables them."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || can(regex(local.names.bucket.regex, var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or ${local.names.bucket.rule}."
  }
}

variable "tags" {
  description = "Tags added to taggable resources."
  type        = map(string)
  default     = {}
}
