variable "archive_bucket_name" {
  description = "Name of the archive bucket in account B."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.archive_bucket_name)) && !strcontains(var.archive_bucket_name, "..")
    error_message = "archive_bucket_name must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)."
  }
}

variable "archive_prefix" {
  description = "Key prefix the shipper may write under, without leading or trailing slash (for example access-logs/prod). Writers get s3:PutObject on <bucket>/<archive_prefix>/* only."
  type        = string

  validation {
    condition = (
      can(regex("^[A-Za-z0-9!_.*'()=-]+(/[A-Za-z0-9!_.*'()=-]+)*$", var.archive_prefix))
      && !strcontains(var.archive_prefix, "..")
    )
    error_message = "archive_prefix must be non-empty, use S3 safe characters, have no leading, trailing or doubled slash, and contain no '..'."
  }
}

variable "mode" {
  description = "How the shipper authenticates: \"direct\" (its own role in account A writes, allowed by the bucket policy) or \"assume-role\" (it assumes the writer role created here, with an external id)."
  type        = string
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "writer_principal_arns" {
  description = "direct mode: ARNs of the shipper's IAM role(s) in account A, named as principals in the bucket policy and the key policy. They must exist before this module is applied. Ignored in assume-role mode."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.writer_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "writer_principal_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/name)."
  }
}

variable "shipper_principal_arns" {
  description = "assume-role mode: ARNs of the shipper's IAM role(s) in account A allowed to assume the writer role. Ignored in direct mode."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.shipper_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "shipper_principal_arns must be IAM role ARNs (arn:aws:iam::123456789012:role/name)."
  }
}

variable "external_id" {
  description = "assume-role mode: the sts:ExternalId the writer role's trust policy requires; the shipper sends the same value. 2-1224 characters from A-Z a-z 0-9 and _+=,.@:/-."
  type        = string
  default     = null

  validation {
    condition = var.external_id == null || try(
      length(var.external_id) >= 2 && length(var.external_id) <= 1224 && can(regex("^[A-Za-z0-9_+=,.@:/-]+$", var.external_id)),
      false
    )
    error_message = "external_id must be 2-1224 characters of A-Z a-z 0-9 and _+=,.@:/- (the STS ExternalId alphabet)."
  }
}

variable "writer_role_name" {
  description = "assume-role mode: name of the writer role created in account B."
  type        = string
  default     = "logferry-archive-writer"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.writer_role_name))
    error_message = "writer_role_name must be a valid IAM role name (1-64 characters of A-Z a-z 0-9 +=,.@_-)."
  }
}

variable "writer_role_permissions_boundary_arn" {
  description = "assume-role mode: optional permissions boundary policy ARN for the writer role."
  type        = string
  default     = null

  validation {
    condition     = var.writer_role_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.writer_role_permissions_boundary_arn))
    error_message = "writer_role_permissions_boundary_arn must be an IAM policy ARN."
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
    condition     = alltrue([for arn in var.analyst_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "analyst_principal_arns must be IAM role ARNs."
  }
}

variable "compactor_principal_arns" {
  description = "ARNs of roles in account B (log_compactor's role, its output compactor_principal_arns) allowed, through S3 only, to decrypt the archive prefix and to encrypt and decrypt under query_prefix. Only used with kms_enabled. The roles must exist before this module is applied."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.compactor_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "compactor_principal_arns must be IAM role ARNs."
  }
}

variable "query_prefix" {
  description = "Prefix of the compactor's query copies in this bucket, without leading or trailing slash (log_compactor query_prefix). null: infra/layout/query-prefix.txt (logferry-query), the compactor's default. Used by the key policy grants (analysts, compactor) and kept out of compacted_originals_transition."
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

variable "principal_org_id" {
  description = "Optional AWS Organizations id (o-xxxxxxxxxx). When set, the bucket policy denies s3:PutObject to any principal outside that organization."
  type        = string
  default     = null

  validation {
    condition     = var.principal_org_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.principal_org_id))
    error_message = "principal_org_id must look like o-abcdefghij."
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
  description = "Days after creation when current versions expire (become noncurrent). null keeps them forever."
  type        = number
  default     = 730

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days, false)
    error_message = "expiration_days must be null or a whole number of days >= 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after an object version becomes noncurrent (overwritten or expired) before it is deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1."
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
    condition     = var.access_log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or a valid S3 bucket name."
  }
}

variable "tags" {
  description = "Tags added to the bucket, KMS key and writer role."
  type        = map(string)
  default     = {}
}
