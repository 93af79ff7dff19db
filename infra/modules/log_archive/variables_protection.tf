# Inputs of what makes the archive evidence: the lock, conditional writes,
# who may change the protections, and where the alarms on such changes go.
# (variables.tf has the rest.)

# Defaults, and why:
#   GOVERNANCE, not COMPLIANCE. A COMPLIANCE retention cannot be shortened or
#   removed by anyone, B's root user included, and the bucket cannot be
#   emptied until every retention has lapsed ("The only way to delete an
#   object under the compliance mode before its retention date expires is to
#   delete the associated AWS account", S3 User Guide). GOVERNANCE locks out
#   B's administrators just as well here, because the bucket policy denies
#   s3:BypassGovernanceRetention (and every other way around the lock) to all
#   but the break-glass principals, while keeping one alarmed, audited way
#   out for an accidental secret or an erasure order. Choose COMPLIANCE for
#   SEC 17a-4 style immutability, knowing it has no way out.
#   365 days: a year is the common floor for audit log retention (PCI DSS
#   10.5.1 keeps audit log history for at least 12 months). Longer periods
#   cost only storage; the archive itself expires nothing by default. S3's
#   own ceiling is 100 years (36500 days).
variable "object_lock" {
  description = "Default Object Lock retention of every new object version: mode GOVERNANCE or COMPLIANCE, days 1-36500. null: no lock (a deliberate opt-out; a lock already on stays on, only new versions go unlocked)."
  type = object({
    mode = string
    days = number
  })
  default  = { mode = "GOVERNANCE", days = 365 }
  nullable = true

  validation {
    condition = var.object_lock == null || try(
      contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock.mode)
      && var.object_lock.days >= 1 && var.object_lock.days <= 36500
      && floor(var.object_lock.days) == var.object_lock.days,
      false
    )
    error_message = "object_lock must be null or { mode = \"GOVERNANCE\" or \"COMPLIANCE\", days = a whole number from 1 to 36500 }."
  }
}

variable "compacted_noncurrent_days" {
  description = "Days after a query copy under query_prefix is replaced by the compactor (it becomes noncurrent) before it is deleted. null (default): object_lock.days + 1 with a lock, 30 without. At least object_lock.days."
  type        = number
  default     = null

  validation {
    condition     = var.compacted_noncurrent_days == null || try(var.compacted_noncurrent_days >= 1 && floor(var.compacted_noncurrent_days) == var.compacted_noncurrent_days, false)
    error_message = "compacted_noncurrent_days must be null or a whole number >= 1."
  }
}

variable "require_conditional_writes" {
  description = "Deny, in the bucket policy, any object-creating write under archive_prefix without If-None-Match (archive-bucket-no-overwrite.json.tpl): no write replaces an archived object. It also refuses every CopyObject into the archive prefix."
  type        = bool
  default     = true
}

variable "name_prefix" {
  description = "Prefix of the names made here besides the writer roles: roles <prefix>-break-glass and <prefix>-key-admin, rules <prefix>-bucket-protection and <prefix>-key-protection, topic <prefix>-protection-alarms."
  type        = string
  default     = "logferry-archive"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,46}$", var.name_prefix))
    error_message = "name_prefix must be 1-46 characters of A-Z a-z 0-9 _ and - (the rule and topic names add up to 18 characters; EventBridge allows 64)."
  }
}

variable "protection_admin_principal_arns" {
  description = "aws:PrincipalArn patterns, besides the break-glass role, that may change the bucket policy, lifecycle, versioning and Object Lock configuration and remove locked versions: the role that applies this module. Every later change to those (a new source account changes the bucket policy) must be applied as one of these."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.protection_admin_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "protection_admin_principal_arns entries must each be ${local.names.iam_identity_arn.rule}; not: ${join(", ", [for arn in var.protection_admin_principal_arns : arn if !can(regex(local.names.iam_identity_arn.regex, arn))])}."
  }
}

variable "key_admin_principal_arns" {
  description = "Principals, besides the key-admin role, that administer the archive key (PutKeyPolicy, DisableKey, ScheduleKeyDeletion, ...): the role that applies this module, which KMS requires (it refuses a key policy that would lock its caller out). Required with kms_enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.key_admin_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn)) && !strcontains(arn, "*") && !strcontains(arn, "?")])
    error_message = "key_admin_principal_arns entries must each be an IAM role or user ARN without wildcards (a key policy principal): arn:aws:iam::<account id>:role/<path/name> or :user/<name>."
  }
}

variable "break_glass_trusted_principal_arns" {
  description = "Principals of this account (ARN patterns) that may assume <name_prefix>-break-glass, always with MFA. Empty: any principal of this account whose IAM policies allow it, with MFA."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.break_glass_trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "break_glass_trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}."
  }
}

variable "key_admin_trusted_principal_arns" {
  description = "Principals of this account (ARN patterns) that may assume <name_prefix>-key-admin, always with MFA. Empty: any principal of this account whose IAM policies allow it, with MFA. Only with kms_enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.key_admin_trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "key_admin_trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}."
  }
}

variable "alarm_sns_topic_arns" {
  description = "SNS topics in this account and region the protection alarms notify (each must let events.amazonaws.com publish and, if encrypted with a customer managed key, use it). Empty (default): a topic <name_prefix>-protection-alarms made here, encrypted with a key of its own (output alarm_topic_arn); subscribe to it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "alarm_sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}; not: ${join(", ", [for arn in var.alarm_sns_topic_arns : arn if !can(regex(local.names.sns_topic_arn.regex, arn))])}."
  }
}
