locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

# --- Account and credentials -----------------------------------------------------

variable "region" {
  type        = string
  description = "Region of the archive bucket, the KMS key, Athena and the compactor (account B)."
  default     = "eu-west-1"

  validation {
    condition     = can(regex(local.names.region.regex, var.region))
    error_message = "region must be ${local.names.region.rule}."
  }
}

variable "archive_account_id" {
  type        = string
  description = "Account id of the archive account (B); the provider refuses to touch any other account."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.archive_account_id))
    error_message = "archive_account_id must be ${local.names.account_id.rule}."
  }
}

variable "profile" {
  type        = string
  description = "AWS CLI profile (aws configure sso / ~/.aws/config) with admin rights in account B. null: the ambient credential chain (environment variables, SSO, OIDC web identity in CI, instance role)."
  default     = null
}

variable "assume_role" {
  type = object({
    role_arn     = string
    session_name = optional(string)
    external_id  = optional(string)
  })
  description = "Optional role in account B for the provider to assume, on top of profile or the ambient credentials (e.g. a CI deploy role). null: use those credentials directly."
  default     = null

  validation {
    condition     = var.assume_role == null || try(can(regex(local.names.role_arn.regex, var.assume_role.role_arn)), false)
    error_message = "assume_role.role_arn must be ${local.names.role_arn.rule}."
  }
}

# --- Archive -----------------------------------------------------------------------

variable "name_prefix" {
  type        = string
  description = "Prefix of what this root names: the writer roles (<prefix>-archive-writer-<id>), the default shipper role name looked for in source accounts (<prefix>-shipper), workgroups (<prefix>-archive, <prefix>-direct), Glue databases (with underscores), analyst roles and the compactor (<prefix>-compactor)."
  default     = "logferry"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name_prefix))
    error_message = "name_prefix must be ${local.names.name_prefix.rule}."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket created in account B (names are global: pick a unique one)."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix of the archive, without leading or trailing slash. Source account <id> writes under <archive_prefix>/<id>/ only."
  default     = "access-logs"

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "archive_kms_enabled" {
  type        = bool
  description = "Encrypt the archive with a customer-managed KMS key created here (true) or with SSE-S3 (false)."
  default     = true
}

variable "archive_expiration_days" {
  type        = number
  description = "Days after which current archive objects expire. null (default): nothing in the archive expires."
  default     = null
}

variable "compacted_originals_transition" {
  type = object({
    days          = number
    storage_class = string
  })
  description = "Optional transition of the originals under <archive_prefix>/ once compacted (log_archive compacted_originals_transition); little gain for small access log objects."
  default     = null
}

variable "source_accounts" {
  type = map(object({
    mode                  = string
    writer_principal_arns = optional(list(string))
    external_id           = optional(string)
    regions               = optional(list(string))
    audited_bucket_names  = optional(list(string), [])
  }))
  description = "The source accounts (A) this archive serves, keyed by 12-digit account id: mode (\"direct\" or \"assume-role\"), optional writer_principal_arns (role ARN patterns in that account; default its <name_prefix>-shipper role), external_id (assume-role only, required there), regions (default: region) and audited_bucket_names (the Athena source_bucket values). Validated by log_archive. Add an account here, apply, then apply its source root."

  validation {
    condition     = length(flatten([for a in values(var.source_accounts) : a.audited_bucket_names == null ? [] : a.audited_bucket_names])) > 0
    error_message = "At least one source account needs audited_bucket_names: they are the Athena tables' source_bucket partition values."
  }
}

variable "shipper_role_name" {
  type        = string
  description = "Name of the shipper role in the source accounts, the default writer_principal_arns of each. null: <name_prefix>-shipper (log_source's default)."
  default     = null
}

variable "organization_id" {
  type        = string
  description = "Optional AWS Organizations id (o-xxxxxxxxxx) of the source accounts: the archive denies writes, and the writer roles deny sts:AssumeRole, to principals outside it."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex(local.names.organization_id.regex, var.organization_id))
    error_message = "organization_id must be null or ${local.names.organization_id.rule}."
  }
}

# --- Evidence: the lock and who may change it ------------------------------------------

variable "archive_object_lock" {
  type = object({
    mode = string
    days = number
  })
  description = "Default Object Lock retention of every archived version (log_archive object_lock): GOVERNANCE (B's administrators cannot delete, only the alarmed break-glass role can) or COMPLIANCE (nobody can, root included, until it lapses), for days. null: no lock."
  default     = { mode = "GOVERNANCE", days = 365 }
  nullable    = true
}

variable "protection_admin_principal_arns" {
  type        = list(string)
  description = "Who, besides the break-glass role, may change the archive bucket's policy, lifecycle, versioning and lock: whoever applies this root again (adding a source account changes the bucket policy). null: the identity running Terraform now (its role, not its session)."
  default     = null

  validation {
    condition     = var.protection_admin_principal_arns == null || alltrue([for arn in coalesce(var.protection_admin_principal_arns, []) : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "protection_admin_principal_arns must be null or each ${local.names.iam_identity_arn.rule}."
  }
}

variable "key_admin_principal_arns" {
  type        = list(string)
  description = "Who, besides the key-admin role, administers the archive key; KMS requires the identity applying this root among them. null: the identity running Terraform now (its role, not its session)."
  default     = null

  validation {
    condition     = var.key_admin_principal_arns == null || alltrue([for arn in coalesce(var.key_admin_principal_arns, []) : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "key_admin_principal_arns must be null or each ${local.names.iam_identity_arn.rule}."
  }
}

variable "break_glass_trusted_principal_arns" {
  type        = list(string)
  description = "Principals of account B (ARN patterns) that may assume the break-glass role, with MFA. Empty: any principal of B its IAM policies allow, with MFA."
  default     = []
}

variable "key_admin_trusted_principal_arns" {
  type        = list(string)
  description = "Principals of account B (ARN patterns) that may assume the key-admin role, with MFA. Empty: any principal of B its IAM policies allow, with MFA."
  default     = []
}

# --- Compaction ----------------------------------------------------------------------

variable "compaction_enabled" {
  type        = bool
  description = "Deploy the compactor (log_compactor) and a second Athena table over its copies. Needs the compactor zip (make package)."
  default     = true
}

variable "compactor_zip_path" {
  type        = string
  description = "Compactor zip built by `make package`. null: <repository>/target/lambda/compactor/bootstrap.zip (path.root/../../../target/...)."
  default     = null
}

variable "alarm_sns_topic_arns" {
  type        = list(string)
  description = "SNS topics in account B and region notified by the compactor's alarms (failed run, falling behind, not running) and the archive's protection alarms (EventBridge: each topic must let events.amazonaws.com publish). Empty (default): log_compactor and log_archive each create an encrypted topic (outputs compactor_alarm_topic_arn, archive_alarm_topic_arn) and their alarms notify it."
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "alarm_sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "Email addresses subscribed to the alarm topics logferry creates here (the archive's protection alarms and, with compaction_enabled, the compactor's; only without alarm_sns_topic_arns). SNS sends each a confirmation mail; a subscription delivers nothing until its link is followed, and a destroy of one still pending only drops it from Terraform's state (\"Terraform cannot delete / unsubscribe the subscription\", AWS provider docs). Default: none."
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses entries must each be an email address."
  }

  validation {
    condition     = length(var.alarm_email_addresses) == 0 || length(var.alarm_sns_topic_arns) == 0
    error_message = "alarm_email_addresses subscribes to the topics logferry creates, which it does not with alarm_sns_topic_arns: subscribe the addresses to those topics instead."
  }
}

variable "query_prefix" {
  type        = string
  description = "Prefix of the compacted copies in the archive bucket, without leading or trailing slash. null: infra/layout/query-prefix.txt (logferry-query)."
  default     = null

  validation {
    condition     = var.query_prefix == null || can(regex(local.names.prefix.regex, var.query_prefix))
    error_message = "query_prefix must be null or ${local.names.prefix.rule}."
  }
}

# --- Athena ------------------------------------------------------------------------------

variable "archive_results_bucket_name" {
  type        = string
  description = "Query results bucket of the archive workgroup (created here)."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_results_bucket_name))
    error_message = "archive_results_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "analyst_trusted_principal_arns" {
  type        = list(string)
  description = "IAM roles or users (ARN patterns, * and ? allowed) allowed to assume the analyst role(s), never an account root. With organization_id they must be in the organization, else their session must carry MFA."

  validation {
    condition     = length(var.analyst_trusted_principal_arns) > 0
    error_message = "analyst_trusted_principal_arns must list at least one value."
  }

  validation {
    condition     = alltrue([for arn in var.analyst_trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn))])
    error_message = "analyst_trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}; not: ${join(", ", [for arn in var.analyst_trusted_principal_arns : arn if !can(regex(local.names.iam_identity_arn.regex, arn))])}."
  }
}

variable "athena_direct_enabled" {
  type        = bool
  description = "Also create athena_direct: Athena in B over one source account's access log bucket in place (no shipping), configured by athena_direct."
  default     = false
}

variable "athena_direct" {
  type = object({
    source_account_id      = string
    access_log_bucket_name = string
    results_bucket_name    = string
    access_log_prefix      = optional(string, "s3-access")
    access_log_kms_key_arn = optional(string)
    region                 = optional(string)
    audited_bucket_names   = optional(list(string))
  })
  description = "With athena_direct_enabled: the source account whose log bucket is read, its log bucket (log_source access_log_bucket_name), the direct workgroup's results bucket (created here), the log prefix (log_source access_log_prefix, default s3-access), the log bucket's KMS key (null: SSE-S3), its region (null: region) and the audited buckets (null: that account's audited_bucket_names in source_accounts)."
  default     = null

  validation {
    condition     = var.athena_direct == null || try(can(regex(local.names.account_id.regex, var.athena_direct.source_account_id)), false)
    error_message = "athena_direct.source_account_id must be ${local.names.account_id.rule}."
  }

  validation {
    condition     = var.athena_direct == null || try(can(regex(local.names.prefix.regex, var.athena_direct.access_log_prefix)), false)
    error_message = "athena_direct.access_log_prefix must be ${local.names.prefix.rule}."
  }
}

variable "tags" {
  type        = map(string)
  description = "Default tags for every resource."
  default     = { Project = "logferry" }
}

variable "compactor_concurrency" {
  type        = number
  description = "Partitions the compactor works on at once (log_compactor's concurrency, LOGFERRY_COMPACT_CONCURRENCY)."
  default     = 4
}

variable "reconcile_trusted_principal_arns" {
  type        = list(string)
  description = "IAM roles or users (exact ARNs, never an account root) that may assume <name_prefix>-reconcile to run logferry reconcile (modules/reconciler). Default empty: no reconcile role."
  default     = []

  validation {
    condition     = alltrue([for arn in var.reconcile_trusted_principal_arns : can(regex(local.names.iam_identity_arn.regex, arn)) && !strcontains(arn, "*") && !strcontains(arn, "?")])
    error_message = "reconcile_trusted_principal_arns entries must each be ${local.names.iam_identity_arn.rule}, here without * or ? (a Principal names exact ARNs)."
  }
}

variable "reconcile_source_log_buckets" {
  type = list(object({
    bucket_arn = string
    key_prefix = optional(string, "")
  }))
  description = "With reconcile_trusted_principal_arns: the source accounts' log buckets (not the audited buckets of source_accounts) the reconcile role may list, each limited to its key_prefix (\"\" or the logging DestinationPrefix ending in a slash). Each needs its entry of reconcile_log_bucket_policy_json in its bucket policy. Validated by reconciler."
  default     = []

  validation {
    condition     = alltrue([for b in var.reconcile_source_log_buckets : can(regex(local.names.bucket_arn.regex, b.bucket_arn))])
    error_message = "reconcile_source_log_buckets bucket_arn values must each be ${local.names.bucket_arn.rule}."
  }

  validation {
    condition     = alltrue([for b in var.reconcile_source_log_buckets : b.key_prefix == "" || can(regex(local.names.folder_prefix.regex, b.key_prefix))])
    error_message = "reconcile_source_log_buckets key_prefix values must each be \"\" (the whole bucket) or ${local.names.folder_prefix.rule}."
  }
}

variable "reconcile_inventory_arns" {
  type        = list(string)
  description = "With reconcile_trusted_principal_arns: S3 object ARN patterns of S3 Inventory reports (of the log buckets or of the archive) the reconcile role may read, for logferry reconcile --source-inventory / --archive-inventory, e.g. [\"arn:aws:s3:::acme-inventory/inventory/*\"]. Validated by reconciler. Default empty: it only lists."
  default     = []
}

variable "reconcile_compare_etags" {
  type        = bool
  description = "With reconcile_trusted_principal_arns: let the reconcile role run logferry reconcile --etags (s3:GetObject on archive_prefix/*, for HeadObject, which also allows reading the logs). Default false."
  default     = false
}
