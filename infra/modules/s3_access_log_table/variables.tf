variable "database_name" {
  description = "Glue database the table is created in."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.database_name))
    error_message = "database_name must be lower-case letters, digits and underscores (Athena-compatible)."
  }
}

variable "table_name" {
  description = "Name of the Glue table."
  type        = string
  default     = "s3_access_logs"

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.table_name))
    error_message = "table_name must be lower-case letters, digits and underscores (Athena-compatible)."
  }
}

variable "table_description" {
  description = "Description stored on the Glue table."
  type        = string
  default     = "Amazon S3 server access logs, partition-projected by account, region, source bucket and day."
}

variable "location_prefix" {
  description = "S3 URI under which the <account>/<region>/<bucket>/<yyyy>/<MM>/<dd>/ layout starts, ending in a slash, for example s3://archive-bucket/access-logs/ (logferry archive) or s3://log-bucket/logs/ (S3 partitioned prefix, DestinationPrefix included)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^/]+/)*$", var.location_prefix)) && !strcontains(var.location_prefix, "..")
    error_message = "location_prefix must look like s3://bucket/ or s3://bucket/some/prefix/ (ending in /, no empty segments, no '..')."
  }
}

variable "source_account_ids" {
  description = "Values of the account partition (enum projection): the account ids that appear in the object keys."
  type        = list(string)

  validation {
    condition     = length(var.source_account_ids) > 0 && alltrue([for id in var.source_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "source_account_ids must be a non-empty list of 12-digit AWS account ids."
  }
}

variable "source_regions" {
  description = "Values of the region partition (enum projection): the regions that appear in the object keys."
  type        = list(string)

  validation {
    condition     = length(var.source_regions) > 0 && alltrue([for r in var.source_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r))])
    error_message = "source_regions must be a non-empty list of region names such as eu-west-1."
  }
}

variable "source_bucket_names" {
  description = "Values of the source_bucket partition (enum projection): the bucket names that appear in the object keys."
  type        = list(string)

  validation {
    condition     = length(var.source_bucket_names) > 0 && alltrue([for b in var.source_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "source_bucket_names must be a non-empty list of S3 bucket names."
  }
}

variable "projection_start_date" {
  description = "First day of the dt partition projection, yyyy/MM/dd. Days before it are invisible to queries."
  type        = string
  default     = "2024/01/01"

  validation {
    condition     = can(regex("^[0-9]{4}/(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])$", var.projection_start_date))
    error_message = "projection_start_date must be yyyy/MM/dd, for example 2024/01/01."
  }
}

variable "workgroup_name" {
  description = "Athena workgroup the saved queries belong to."
  type        = string
}

variable "saved_queries_enabled" {
  description = "Create the saved (named) auditor queries."
  type        = bool
  default     = true
}

variable "saved_query_days" {
  description = "How many days back the saved queries look (they filter on the dt partition)."
  type        = number
  default     = 7

  validation {
    condition     = var.saved_query_days >= 1 && var.saved_query_days <= 3660 && floor(var.saved_query_days) == var.saved_query_days
    error_message = "saved_query_days must be a whole number of days between 1 and 3660."
  }
}
