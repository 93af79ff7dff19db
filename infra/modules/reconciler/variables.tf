locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the role's name: <name_prefix>-reconcile."
  default     = "logferry"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name_prefix))
    error_message = "name_prefix must be ${local.names.name_prefix.rule}."
  }
}

variable "trusted_principal_arns" {
  type        = list(string)
  description = "IAM roles or users (exact ARNs: a trust policy's Principal takes no wildcard) allowed to assume <name_prefix>-reconcile and run logferry reconcile, e.g. an auditor's SSO role or a scheduled job's role. Never an account root: who may reconcile is decided here, not by whoever administers IAM in that account."

  validation {
    condition     = length(var.trusted_principal_arns) > 0
    error_message = "trusted_principal_arns must list at least one value."
  }

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn)) && !strcontains(arn, "*") && !strcontains(arn, "?")])
    error_message = "trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}, here without * or ? (a Principal names exact ARNs); not: ${join(", ", [for arn in var.trusted_principal_arns : arn if !(can(regex(local.names.iam_identity_arn.regex, arn)) && !strcontains(arn, "*") && !strcontains(arn, "?"))])}."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket in this account (B)."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "The archive prefix, without leading or trailing slash: the role may list <archive_prefix>/ and everything under it, no other key of the archive."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "source_log_buckets" {
  type = list(object({
    bucket_arn = string
    key_prefix = optional(string, "")
  }))
  description = "The source accounts' log buckets (A) the role may list, each limited to its key_prefix (s3:prefix): \"\" (the whole bucket) or the logging DestinationPrefix ending in a slash, such as s3-access/. Each bucket's own policy must also grant the role (output source_bucket_policy_json)."

  validation {
    condition     = length(var.source_log_buckets) > 0
    error_message = "source_log_buckets must list at least one log bucket: reconcile compares a source log bucket with the archive."
  }

  validation {
    condition     = alltrue([for b in var.source_log_buckets : can(regex(local.names.bucket_arn.regex, b.bucket_arn))])
    error_message = "source_log_buckets bucket_arn values must each be ${local.names.bucket_arn.rule}; not: ${join(", ", [for b in var.source_log_buckets : b.bucket_arn if !can(regex(local.names.bucket_arn.regex, b.bucket_arn))])}."
  }

  validation {
    condition     = alltrue([for b in var.source_log_buckets : b.key_prefix == "" || can(regex(local.names.folder_prefix.regex, b.key_prefix))])
    error_message = "source_log_buckets key_prefix values must each be \"\" (the whole bucket) or ${local.names.folder_prefix.rule}; not: ${join(", ", [for b in var.source_log_buckets : b.key_prefix if !(b.key_prefix == "" || can(regex(local.names.folder_prefix.regex, b.key_prefix)))])}."
  }

  validation {
    condition     = length(distinct([for b in var.source_log_buckets : b.bucket_arn])) == length(var.source_log_buckets)
    error_message = "source_log_buckets must name each bucket once (one key_prefix per bucket)."
  }
}

variable "inventory_arns" {
  type        = list(string)
  description = "S3 object ARN patterns of S3 Inventory reports the role may read (s3:GetObject), their manifest.json and data files, e.g. [\"arn:aws:s3:::inv-bucket/inventory/*\"], for reconciling from an inventory instead of listing. Empty (default): none."
  default     = []

  validation {
    condition     = alltrue([for arn in var.inventory_arns : can(regex(local.names.object_arn.regex, arn))])
    error_message = "inventory_arns entries must each be ${local.names.object_arn.rule}; not: ${join(", ", [for arn in var.inventory_arns : arn if !can(regex(local.names.object_arn.regex, arn))])}."
  }
}

variable "compare_etags" {
  type        = bool
  description = "Let the role run `logferry reconcile --etags`, which compares each archived copy's recorded source ETag with the source's (a HeadObject each). HeadObject needs s3:GetObject on <archive_prefix>/*, which also allows reading the logs themselves, so it is off by default: a role that only lists cannot read a log."
  default     = false
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Optional permissions boundary policy ARN for the role."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex(local.names.policy_arn.regex, var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or ${local.names.policy_arn.rule}."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every taggable resource."
  default     = {}
}
