locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "archive_bucket_name" {
  description = "Name of the archive bucket in account B."
  type        = string

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  description = "Key prefix the shipper may write under, without leading or trailing slash (for example access-logs/prod). Writers get s3:PutObject on <bucket>/<archive_prefix>/* only."
  type        = string

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "source_accounts" {
  description = <<-EOT
    The source accounts (A) this archive serves, keyed by 12-digit account id. Each writes only under <archive_prefix>/<its account id>/.
      mode                  "direct" (its own principals write, allowed by the bucket policy) or "assume-role" (they assume the writer role created here for that account, with external_id).
      writer_principal_arns ARN patterns (ArnLike on aws:PrincipalArn) of IAM roles in that same account allowed to write (direct) or to assume its writer role (assume-role). null: [arn:<partition>:iam::<id>:role/<shipper_role_name>].
      external_id           assume-role only, required there: the sts:ExternalId its writer role's trust policy requires, 2-1224 characters of A-Z a-z 0-9 and _+=,.@:/-.
      regions               regions it ships from (the Athena region partition). null: the archive's region.
      audited_bucket_names  its audited buckets (the Athena source_bucket partition).
  EOT
  type = map(object({
    mode                  = string
    writer_principal_arns = optional(list(string))
    external_id           = optional(string)
    regions               = optional(list(string))
    audited_bucket_names  = optional(list(string), [])
  }))

  validation {
    condition     = length(var.source_accounts) > 0
    error_message = "source_accounts must name at least one source account."
  }

  validation {
    condition     = alltrue([for id in keys(var.source_accounts) : can(regex(local.names.account_id.regex, id))])
    error_message = "source_accounts keys must each be ${local.names.account_id.rule}; not: ${join(", ", [for id in keys(var.source_accounts) : id if !can(regex(local.names.account_id.regex, id))])}."
  }

  validation {
    condition     = alltrue([for a in values(var.source_accounts) : try(contains(["direct", "assume-role"], a.mode), false)])
    error_message = "source_accounts mode must be \"direct\" or \"assume-role\"; not for: ${join(", ", [for id, a in var.source_accounts : id if !try(contains(["direct", "assume-role"], a.mode), false)])}."
  }

  validation {
    condition = alltrue([
      for a in values(var.source_accounts) : a.mode != "assume-role" || try(
        can(regex(local.names.external_id.regex, a.external_id)),
        false
      )
    ])
    error_message = "source_accounts in assume-role mode need an external_id, ${local.names.external_id.rule}; missing or malformed for: ${join(", ", [for id, a in var.source_accounts : id if a.mode == "assume-role" && !try(can(regex(local.names.external_id.regex, a.external_id)), false)])}."
  }

  validation {
    condition     = alltrue([for a in values(var.source_accounts) : a.mode != "direct" || a.external_id == null])
    error_message = "source_accounts in direct mode take no external_id (it is only checked by an assume-role writer role's trust policy); set for: ${join(", ", [for id, a in var.source_accounts : id if a.mode == "direct" && a.external_id != null])}."
  }

  validation {
    condition = alltrue([
      for id, a in var.source_accounts : a.writer_principal_arns == null || try(
        length(a.writer_principal_arns) > 0 && alltrue([for arn in a.writer_principal_arns : can(regex("^arn:aws[a-z-]*:iam::${id}:role/[A-Za-z0-9+=,.@_/*?-]+$", arn))]),
        false
      )
    ])
    error_message = "source_accounts writer_principal_arns must be null or a non-empty list of IAM role ARN patterns in that same account (arn:aws:iam::<its id>:role/name, * and ? allowed); wrong for: ${join(", ", [for id, a in var.source_accounts : id if !(a.writer_principal_arns == null || try(length(a.writer_principal_arns) > 0 && alltrue([for arn in a.writer_principal_arns : can(regex("^arn:aws[a-z-]*:iam::${id}:role/[A-Za-z0-9+=,.@_/*?-]+$", arn))]), false))])}."
  }

  validation {
    condition = alltrue([
      for a in values(var.source_accounts) : a.regions == null || try(
        length(a.regions) > 0 && alltrue([for r in a.regions : can(regex(local.names.region.regex, r))]),
        false
      )
    ])
    error_message = "source_accounts regions must be null or a non-empty list, each ${local.names.region.rule}; wrong for: ${join(", ", [for id, a in var.source_accounts : id if !(a.regions == null || try(length(a.regions) > 0 && alltrue([for r in a.regions : can(regex(local.names.region.regex, r))]), false))])}."
  }

  validation {
    condition = alltrue([
      for a in values(var.source_accounts) : alltrue([
        for b in(a.audited_bucket_names == null ? [] : a.audited_bucket_names) : can(regex(local.names.bucket.regex, b))
      ])
    ])
    error_message = "source_accounts audited_bucket_names must each be ${local.names.bucket.rule}; wrong for: ${join(", ", [for id, a in var.source_accounts : id if !alltrue([for b in(a.audited_bucket_names == null ? [] : a.audited_bucket_names) : can(regex(local.names.bucket.regex, b))])])}."
  }
}

variable "shipper_role_name" {
  description = "Name of the shipper's role in every source account (log_source's shipper role), the default writer_principal_arns of each source account."
  type        = string
  default     = "logferry-shipper"

  validation {
    condition     = can(regex(local.names.role_name.regex, var.shipper_role_name))
    error_message = "shipper_role_name must be ${local.names.role_name.rule}."
  }
}

variable "writer_role_name_prefix" {
  description = "assume-role accounts: their writer roles in account B are named <prefix>-<source account id>."
  type        = string
  default     = "logferry-archive-writer"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,51}$", var.writer_role_name_prefix))
    error_message = "writer_role_name_prefix must be 1-51 characters of A-Z a-z 0-9 +=,.@_- (the role name adds -<12-digit id>, IAM allows 64)."
  }
}

variable "writer_role_permissions_boundary_arn" {
  description = "assume-role accounts: optional permissions boundary policy ARN for their writer roles."
  type        = string
  default     = null

  validation {
    condition     = var.writer_role_permissions_boundary_arn == null || can(regex(local.names.policy_arn.regex, var.writer_role_permissions_boundary_arn))
    error_message = "writer_role_permissions_boundary_arn must be null or ${local.names.policy_arn.rule}."
  }
}

variable "kms_enabled" {
  description = "Encrypt with a customer-managed KMS key created here (true) or with SSE-S3 (false)."
  type        = bool
  default     = true
}

variable "kms_key_alias" {
  description = "Alias for the KMS key, starting with alias/. Defaults to alias/<archive_bucket_name> (dots become hyphens). Only usable inside account B."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias == null || try(can(regex("^alias/[A-Za-z0-9/_-]{1,250}$", var.kms_key_alias)) && !startswith(var.kms_key_alias, "alias/aws/"), false)
    error_message = "kms_key_alias must look like alias/name and must not start with alias/aws/."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled deletion of the KMS key takes effect (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "analyst_principal_arns" {
  description = "ARNs of roles in account B (for example the athena_archive analyst role) allowed to decrypt archive objects through S3. Only used with kms_enabled."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.analyst_principal_arns : can(regex(local.names.role_arn.regex, arn))])
    error_message = "analyst_principal_arns entries must each be ${local.names.role_arn.rule}; not: ${join(", ", [for arn in var.analyst_principal_arns : arn if !can(regex(local.names.role_arn.regex, arn))])}."
  }
}

variable "compactor_principal_arns" {
  description = "ARNs of roles in account B (log_compactor's role, its output compactor_principal_arns) allowed, through S3 only, to decrypt and encrypt with this bucket's encryption context (their S3 permissions keep them to reading the archive prefix and writing query_prefix). Only used with kms_enabled. The roles must exist before this module is applied."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.compactor_principal_arns : can(regex(local.names.role_arn.regex, arn))])
    error_message = "compactor_principal_arns entries must each be ${local.names.role_arn.rule}; not: ${join(", ", [for arn in var.compactor_principal_arns : arn if !can(regex(local.names.role_arn.regex, arn))])}."
  }
}

variable "query_prefix" {
  description = "Prefix of the compactor's query copies in this bucket, without leading or trailing slash (log_compactor query_prefix). null: infra/layout/query-prefix.txt (logferry-query), the compactor's default. Used by the key policy grants (analysts, compactor) and kept out of compacted_originals_transition."
  type        = string
  default     = null

  validation {
    condition     = var.query_prefix == null || can(regex(local.names.prefix.regex, var.query_prefix))
    error_message = "query_prefix must be null or ${local.names.prefix.rule}."
  }
}

variable "organization_id" {
  description = "Optional AWS Organizations id (o-xxxxxxxxxx) every source account belongs to. When set, the bucket policy denies s3:PutObject to any principal outside that organization, and each writer role's trust policy denies sts:AssumeRole to one."
  type        = string
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex(local.names.organization_id.regex, var.organization_id))
    error_message = "organization_id must be null or ${local.names.organization_id.rule}."
  }
}

variable "transitions" {
  description = "Lifecycle transitions applied to current object versions, in days after creation. Athena reads STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING and GLACIER_IR objects but not GLACIER or DEEP_ARCHIVE ones."
  type = list(object({
    days          = number
    storage_class = string
  }))
  default = [
    { days = 30, storage_class = "STANDARD_IA" },
    { days = 90, storage_class = "GLACIER_IR" },
  ]

  validation {
    condition = alltrue([
      for t in var.transitions : contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], t.storage_class)
      && t.days >= 0 && floor(t.days) == t.days
      && (contains(["STANDARD_IA", "ONEZONE_IA"], t.storage_class) ? t.days >= 30 : true)
    ])
    error_message = "Each transition needs whole days >= 0 (>= 30 for STANDARD_IA and ONEZONE_IA) and a storage_class among STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }
}

variable "compacted_originals_transition" {
  description = "Optional lifecycle transition of the originals under <archive_prefix>/ (not the query copies) once the compactor has copied them: days after creation (>= 30) and a storage class GetObject still reads (STANDARD_IA, INTELLIGENT_TIERING or GLACIER_IR), so late logs can still be re-compacted. null: no such rule. S3 does not transition objects under 128 KB by default, so it saves little for small access log objects."
  type = object({
    days          = number
    storage_class = string
  })
  default = null

  validation {
    condition = var.compacted_originals_transition == null || try(
      contains(["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"], var.compacted_originals_transition.storage_class)
      && var.compacted_originals_transition.days >= 30
      && floor(var.compacted_originals_transition.days) == var.compacted_originals_transition.days,
      false
    )
    error_message = "compacted_originals_transition needs whole days >= 30 and storage_class STANDARD_IA, INTELLIGENT_TIERING or GLACIER_IR (GLACIER and DEEP_ARCHIVE need a restore before GetObject, so the compactor could not re-compact a late day)."
  }
}

variable "expiration_days" {
  description = "Days after creation when current versions expire (become noncurrent, then deleted after noncurrent_version_expiration_days). null (default): the archive keeps every current object forever; set it only to a retention your auditors agreed to, and at least object_lock.days."
  type        = number
  default     = null

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days, false)
    error_message = "expiration_days must be null or a whole number of days >= 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after an object version becomes noncurrent (replaced or expired) before it is deleted, anywhere in the bucket. null (default): never; with object_lock it must be at least object_lock.days. Replaced query copies have their own rule (compacted_noncurrent_days)."
  type        = number
  default     = null

  validation {
    condition     = var.noncurrent_version_expiration_days == null || try(var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days, false)
    error_message = "noncurrent_version_expiration_days must be null or a whole number >= 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which S3 aborts multipart uploads that were never completed (and deletes their parts)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number >= 1."
  }
}

variable "access_log_bucket_name" {
  description = "Optional bucket in account B that receives the archive bucket's own server access logs. null disables them."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || can(regex(local.names.bucket.regex, var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or ${local.names.bucket.rule}."
  }
}

variable "tags" {
  description = "Tags added to the bucket, KMS key and writer roles."
  type        = map(string)
  default     = {}
}
