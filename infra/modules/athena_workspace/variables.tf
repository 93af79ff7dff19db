variable "workgroup_name" {
  description = "Name of the Athena workgroup."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.workgroup_name))
    error_message = "workgroup_name must be 1-128 characters of A-Z a-z 0-9 . _ -."
  }
}

variable "database_name" {
  description = "Name of the Glue database."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be lower-case letters, digits and underscores (Athena-compatible)."
  }
}

variable "table_names" {
  description = "Tables in the database the analyst role may read (created by the caller)."
  type        = list(string)

  validation {
    condition     = length(var.table_names) > 0 && alltrue([for t in var.table_names : can(regex("^[a-z0-9_]{1,255}$", t))])
    error_message = "table_names must be a non-empty list of lower-case table names."
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
    condition     = var.results_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.results_kms_key_arn))
    error_message = "results_kms_key_arn must be null or a KMS key ARN."
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
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.analyst_role_name))
    error_message = "analyst_role_name must be a valid IAM role name."
  }
}

variable "analyst_trusted_principal_arns" {
  description = "IAM principals (roles, users or account roots) allowed to assume the analyst role."
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

variable "log_bucket_arn" {
  description = "ARN of the bucket holding the logs the analyst may read."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_arn))
    error_message = "log_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::name)."
  }
}

variable "log_key_prefix" {
  description = "Key prefix the analyst may list and read, ending in a slash, or \"\" for the whole bucket."
  type        = string

  validation {
    condition     = var.log_key_prefix == "" || (can(regex("^[^/]+(/[^/]+)*/$", var.log_key_prefix)) && !strcontains(var.log_key_prefix, ".."))
    error_message = "log_key_prefix must be \"\" or end in a single slash, with no leading or doubled slash and no '..'."
  }
}

variable "additional_log_key_prefixes" {
  description = "Further key prefixes of the same log bucket the analyst may list and read, each ending in a slash (athena_archive: the compactor's query prefix). Each gets an inline policy of its own."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.additional_log_key_prefixes : can(regex("^[^/]+(/[^/]+)*/$", p)) && !strcontains(p, "..")])
    error_message = "additional_log_key_prefixes entries must end in a single slash, with no leading or doubled slash and no '..'."
  }
}

variable "log_bucket_region" {
  description = "Region of the log bucket, when it differs from this provider's region (used for the kms:ViaService condition)."
  type        = string
  default     = null

  validation {
    condition     = var.log_bucket_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.log_bucket_region))
    error_message = "log_bucket_region must be null or a region name such as eu-west-1."
  }
}

variable "log_kms_key_arns" {
  description = "KMS keys encrypting the log objects; the analyst gets kms:Decrypt on them via S3. Empty for SSE-S3."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "log_kms_key_arns must be KMS key ARNs (not aliases)."
  }
}

variable "access_log_bucket_name" {
  description = "Optional bucket receiving the results bucket's own server access logs. null disables them."
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
