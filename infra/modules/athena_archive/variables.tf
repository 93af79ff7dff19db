locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "archive_bucket_name" {
  description = "Name of the archive bucket (log_archive output archive_bucket_name)."
  type        = string

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  description = "Prefix the shipper writes under, without leading or trailing slash (log_archive output archive_prefix)."
  type        = string

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "archive_kms_key_arn" {
  description = "The archive's KMS key (log_archive output kms_key_arn), or null when the archive uses SSE-S3. The analyst role gets kms:Decrypt on it via S3; add the analyst role to log_archive's analyst_principal_arns as well."
  type        = string
  default     = null

  validation {
    condition     = var.archive_kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, var.archive_kms_key_arn))
    error_message = "archive_kms_key_arn must be null or ${local.names.kms_key_arn.rule}."
  }
}

variable "source_account_ids" {
  description = "Values of the account partition: the account id(s) of the audited buckets (account A), as in S3's partitioned log keys and so in the archive keys."
  type        = list(string)

  validation {
    condition     = length(var.source_account_ids) > 0
    error_message = "source_account_ids must list at least one value."
  }

  validation {
    condition     = alltrue([for id in var.source_account_ids : can(regex(local.names.account_id.regex, id))])
    error_message = "source_account_ids entries must each be ${local.names.account_id.rule}; not: ${join(", ", [for id in var.source_account_ids : id if !can(regex(local.names.account_id.regex, id))])}."
  }
}

variable "source_regions" {
  description = "Values of the region partition: the regions of the audited buckets."
  type        = list(string)

  validation {
    condition     = length(var.source_regions) > 0
    error_message = "source_regions must list at least one value."
  }

  validation {
    condition     = alltrue([for r in var.source_regions : can(regex(local.names.region.regex, r))])
    error_message = "source_regions entries must each be ${local.names.region.rule}; not: ${join(", ", [for r in var.source_regions : r if !can(regex(local.names.region.regex, r))])}."
  }
}

variable "source_bucket_names" {
  description = "Values of the source_bucket partition: the audited buckets, whose requests are logged (S3's [SourceBucket], the {bucket} of the archive key), not the log buckets the shipper reads from."
  type        = list(string)

  validation {
    condition     = length(var.source_bucket_names) > 0
    error_message = "source_bucket_names must list at least one value."
  }

  validation {
    condition     = alltrue([for b in var.source_bucket_names : can(regex(local.names.bucket.regex, b))])
    error_message = "source_bucket_names entries must each be ${local.names.bucket.rule}; not: ${join(", ", [for b in var.source_bucket_names : b if !can(regex(local.names.bucket.regex, b))])}."
  }
}

variable "projection_start_date" {
  description = "First day (yyyy/MM/dd) of the dt partition projection."
  type        = string
  default     = "2024/01/01"

  validation {
    condition     = can(regex(local.names.partition_date.regex, var.projection_start_date))
    error_message = "projection_start_date must be ${local.names.partition_date.rule}."
  }
}

variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string
  default     = "logferry-archive"

  validation {
    condition     = can(regex(local.names.workgroup_name.regex, var.workgroup_name))
    error_message = "workgroup_name must be ${local.names.workgroup_name.rule}."
  }
}

variable "database_name" {
  description = "Name of the Glue database."
  type        = string
  default     = "logferry_archive"

  validation {
    condition     = can(regex(local.names.glue_name.regex, var.database_name))
    error_message = "database_name must be ${local.names.glue_name.rule}."
  }
}

variable "table_name" {
  description = "Name of the Glue table over the archived access logs."
  type        = string
  default     = "s3_access_logs"

  validation {
    condition     = can(regex(local.names.glue_name.regex, var.table_name))
    error_message = "table_name must be ${local.names.glue_name.rule}."
  }
}

variable "query_prefix" {
  description = "Prefix of the compactor's copies in the archive bucket, without leading or trailing slash (log_compactor output query_prefix). null: no compacted table. When set, a second table reads it and the analyst may read it too (with a KMS archive, log_archive's query_prefix must be the same)."
  type        = string
  default     = null

  validation {
    condition     = var.query_prefix == null || can(regex(local.names.prefix.regex, var.query_prefix))
    error_message = "query_prefix must be null or ${local.names.prefix.rule}."
  }
}

variable "compacted_table_name" {
  description = "Name of the Glue table over the compacted copies (only with query_prefix). null: <table_name>_compacted."
  type        = string
  default     = null

  validation {
    condition     = var.compacted_table_name == null || can(regex(local.names.glue_name.regex, var.compacted_table_name))
    error_message = "compacted_table_name must be null or ${local.names.glue_name.rule}."
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
  default     = 30

  validation {
    condition     = var.results_expiration_days >= 1 && floor(var.results_expiration_days) == var.results_expiration_days
    error_message = "results_expiration_days must be a whole number >= 1."
  }
}

variable "results_kms_key_arn" {
  description = "KMS key for query results; null creates a dedicated key."
  type        = string
  default     = null

  validation {
    condition     = var.results_kms_key_arn == null || can(regex(local.names.kms_key_arn.regex, var.results_kms_key_arn))
    error_message = "results_kms_key_arn must be null or ${local.names.kms_key_arn.rule}."
  }
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Per-query scan limit in bytes enforced by the workgroup (default 10 GiB)."
  type        = number
  default     = 10737418240

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "bytes_scanned_cutoff_per_query must be at least 10485760 (10 MB)."
  }
}

variable "analyst_role_name" {
  description = "Name of the read-only analyst role."
  type        = string
  default     = "logferry-archive-analyst"

  validation {
    condition     = can(regex(local.names.role_name.regex, var.analyst_role_name))
    error_message = "analyst_role_name must be ${local.names.role_name.rule}."
  }
}

variable "analyst_trusted_principal_arns" {
  description = "IAM roles or users (ARN patterns) allowed to assume the analyst role, never an account root (athena_workspace)."
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
  description = "AWS Organizations id the analyst principals belong to, required by the analyst trust (aws:PrincipalOrgID). null: the trust requires MFA instead."
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

variable "saved_queries_enabled" {
  description = "Create the saved auditor queries (top requesters, errors by code, deletes, access denied, bytes by bucket and day)."
  type        = bool
  default     = true
}

variable "saved_query_days" {
  description = "How many days back the saved queries look."
  type        = number
  default     = 7

  validation {
    condition     = var.saved_query_days >= 1 && var.saved_query_days <= 3660 && floor(var.saved_query_days) == var.saved_query_days
    error_message = "saved_query_days must be a whole number of days between 1 and 3660."
  }
}

variable "access_log_bucket_name" {
  description = "Optional bucket receiving the results bucket's own server access logs."
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
