locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "database_name" {
  description = "Glue database the table is created in."
  type        = string

  validation {
    condition     = can(regex(local.names.glue_name.regex, var.database_name))
    error_message = "database_name must be ${local.names.glue_name.rule}."
  }
}

variable "table_name" {
  description = "Name of the Glue table."
  type        = string
  default     = "s3_access_logs"

  validation {
    condition     = can(regex(local.names.glue_name.regex, var.table_name))
    error_message = "table_name must be ${local.names.glue_name.rule}."
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
    condition     = length(var.source_account_ids) > 0
    error_message = "source_account_ids must list at least one value."
  }

  validation {
    condition     = alltrue([for id in var.source_account_ids : can(regex(local.names.account_id.regex, id))])
    error_message = "source_account_ids entries must each be ${local.names.account_id.rule}; not: ${join(", ", [for id in var.source_account_ids : id if !can(regex(local.names.account_id.regex, id))])}."
  }
}

variable "source_regions" {
  description = "Values of the region partition (enum projection): the regions that appear in the object keys."
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
  description = "Values of the source_bucket partition (enum projection): the bucket names that appear in the object keys."
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
  description = "First day of the dt partition projection, yyyy/MM/dd. Days before it are invisible to queries."
  type        = string
  default     = "2024/01/01"

  validation {
    condition     = can(regex(local.names.partition_date.regex, var.projection_start_date))
    error_message = "projection_start_date must be ${local.names.partition_date.rule}."
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
