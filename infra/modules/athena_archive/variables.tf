variable "archive_bucket_name" {
  description = "Name of the archive bucket (log_archive output archive_bucket_name)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.archive_bucket_name)) && !strcontains(var.archive_bucket_name, "..")
    error_message = "archive_bucket_name must be a valid S3 bucket name."
  }
}

variable "archive_prefix" {
  description = "Prefix the shipper writes under, without leading or trailing slash (log_archive output archive_prefix)."
  type        = string

  validation {
    condition = (
      can(regex("^[A-Za-z0-9!_.*'()=-]+(/[A-Za-z0-9!_.*'()=-]+)*$", var.archive_prefix))
      && !strcontains(var.archive_prefix, "..")
    )
    error_message = "archive_prefix must be non-empty, use S3 safe characters, have no leading, trailing or doubled slash, and contain no '..'."
  }
}

variable "archive_kms_key_arn" {
  description = "The archive's KMS key (log_archive output kms_key_arn), or null when the archive uses SSE-S3. The analyst role gets kms:Decrypt on it via S3; add the analyst role to log_archive's analyst_principal_arns as well."
  type        = string
  default     = null

  validation {
    condition     = var.archive_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.archive_kms_key_arn))
    error_message = "archive_kms_key_arn must be null or a KMS key ARN (not an alias)."
  }
}

variable "source_account_ids" {
  description = "Values of the account partition: the account id(s) of the audited buckets (account A), as in S3's partitioned log keys and so in the archive keys."
  type        = list(string)

  validation {
    condition     = length(var.source_account_ids) > 0 && alltrue([for id in var.source_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "source_account_ids must be a non-empty list of 12-digit AWS account ids."
  }
}

variable "source_regions" {
  description = "Values of the region partition: the regions of the audited buckets."
  type        = list(string)

  validation {
    condition     = length(var.source_regions) > 0 && alltrue([for r in var.source_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "source_regions must be a non-empty list of region names such as eu-west-1."
  }
}

variable "source_bucket_names" {
  description = "Values of the source_bucket partition: the audited buckets, whose requests are logged (S3's [SourceBucket], the {bucket} of the archive key), not the log buckets the shipper reads from."
  type        = list(string)

  validation {
    condition     = length(var.source_bucket_names) > 0 && alltrue([for b in var.source_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "source_bucket_names must be a non-empty list of S3 bucket names."
  }
}

variable "projection_start_date" {
  description = "First day (yyyy/MM/dd) of the dt partition projection."
  type        = string
  default     = "2024/01/01"

  validation {
    condition     = can(regex("^[0-9]{4}/(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])$", var.projection_start_date))
    error_message = "projection_start_date must be yyyy/MM/dd."
  }
}

variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string
  default     = "logferry-archive"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.workgroup_name))
    error_message = "workgroup_name must be 1-128 characters of A-Z a-z 0-9 . _ -."
  }
}

variable "database_name" {
  description = "Name of the Glue database."
  type        = string
  default     = "logferry_archive"

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be lower-case letters, digits and underscores."
  }
}

variable "table_name" {
  description = "Name of the Glue table over the archived access logs."
  type        = string
  default     = "s3_access_logs"

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.table_name))
    error_message = "table_name must be lower-case letters, digits and underscores."
  }
}

variable "query_prefix" {
  description = "Prefix of the compactor's copies in the archive bucket, without leading or trailing slash (log_compactor output query_prefix). null: no compacted table. When set, a second table reads it and the analyst may read it too (with a KMS archive, log_archive's query_prefix must be the same)."
  type        = string
  default     = null

  validation {
    condition = var.query_prefix == null || try(
      can(regex("^[A-Za-z0-9!_.*'()=-]+(/[A-Za-z0-9!_.*'()=-]+)*$", var.query_prefix)) && !strcontains(var.query_prefix, ".."),
      false
    )
    error_message = "query_prefix must be null or non-empty, use S3 safe characters, have no leading, trailing or doubled slash, and contain no '..'."
  }
}

variable "compacted_table_name" {
  description = "Name of the Glue table over the compacted copies (only with query_prefix). null: <table_name>_compacted."
  type        = string
  default     = null

  validation {
    condition     = var.compacted_table_name == null || can(regex("^[a-z0-9_]{1,255}$", var.compacted_table_name))
    error_message = "compacted_table_name must be null or lower-case letters, digits and underscores."
  }
}

variable "results_bucket_name" {
  description = "Name of the bucket for Athena query results."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.results_bucket_name)) && !strcontains(var.results_bucket_name, "..")
    error_message = "results_bucket_name must be a valid S3 bucket name."
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
    condition     = var.results_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.results_kms_key_arn))
    error_message = "results_kms_key_arn must be null or a KMS key ARN."
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
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.analyst_role_name))
    error_message = "analyst_role_name must be a valid IAM role name."
  }
}

variable "analyst_trusted_principal_arns" {
  description = "Principals (role, user or account root ARNs) allowed to assume the analyst role."
  type        = list(string)

  validation {
    condition = length(var.analyst_trusted_principal_arns) > 0 && alltrue([
      for arn in var.analyst_trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", arn))
    ])
    error_message = "analyst_trusted_principal_arns must be a non-empty list of IAM role, user or account root ARNs."
  }
}

variable "analyst_permissions_boundary_arn" {
  description = "Optional permissions boundary policy ARN for the analyst role."
  type        = string
  default     = null

  validation {
    condition     = var.analyst_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.analyst_permissions_boundary_arn))
    error_message = "analyst_permissions_boundary_arn must be an IAM policy ARN."
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
    condition     = var.access_log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or a valid S3 bucket name."
  }
}

variable "tags" {
  description = "Tags added to taggable resources."
  type        = map(string)
  default     = {}
}
