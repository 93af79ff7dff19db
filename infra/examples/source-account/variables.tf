locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

# ---------------------------------------------------------------------------
# Where and as whom
# ---------------------------------------------------------------------------

variable "region" {
  type        = string
  description = "Region of this root's resources; the log buckets must be in it (one root per source account and region). Also a line of account B's source_root_tfvars."

  validation {
    condition     = can(regex(local.names.region.regex, var.region))
    error_message = "region must be ${local.names.region.rule}."
  }
}

variable "source_account_id" {
  type        = string
  description = "Account id of this source account (A); the provider refuses any other account (allowed_account_ids). Also a line of account B's source_root_tfvars."

  validation {
    condition     = can(regex(local.names.account_id.regex, var.source_account_id))
    error_message = "source_account_id must be ${local.names.account_id.rule}."
  }
}

variable "profile" {
  type        = string
  description = "Optional AWS CLI profile (e.g. from aws configure sso). Null (default): the ambient credential chain (environment variables, SSO session, web identity/OIDC in CI, instance role)."
  default     = null
}

variable "assume_role" {
  type = object({
    role_arn     = string
    session_name = optional(string)
    external_id  = optional(string)
  })
  description = "Optional role to assume in the source account on top of the profile or ambient credentials, e.g. an organization deployment role ({ role_arn = \"arn:aws:iam::111111111111:role/OrganizationAccountAccessRole\" }). Null (default): use the credentials as they are."
  default     = null

  validation {
    condition     = var.assume_role == null || can(regex(local.names.role_arn.regex, var.assume_role.role_arn))
    error_message = "assume_role.role_arn must be ${local.names.role_arn.rule}."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the shipper's role (<name_prefix>-shipper, the principal account B allows), function, queues, rules and alarms."
  default     = "logferry"

  validation {
    condition     = can(regex(local.names.name_prefix.regex, var.name_prefix))
    error_message = "name_prefix must be ${local.names.name_prefix.rule}."
  }
}

# ---------------------------------------------------------------------------
# Log buckets of this account and region
# ---------------------------------------------------------------------------

variable "log_buckets" {
  type = map(object({
    prefixes    = optional(list(string), [""])
    kms_key_arn = optional(string)
  }))
  description = "EXISTING log buckets to ship from, keyed by bucket name: where the account's S3 server access logs (or application logs) already land. prefixes limits what is shipped ([\"\"], the default: every new object); kms_key_arn is the bucket's customer managed key, if any. Nothing on these buckets is changed. May be empty only when new_log_bucket is set."
  default     = {}
  validation {
    condition     = length(var.log_buckets) > 0 || var.new_log_bucket != null
    error_message = "Nothing to ship: name the account's existing log buckets in log_buckets, or create one with new_log_bucket."
  }
}

variable "eventbridge_notification_buckets" {
  type        = set(string)
  description = "Keys of log_buckets on which Terraform turns on S3 -> EventBridge delivery. This REPLACES the bucket's whole notification configuration: list only buckets without notifications of their own; for the others add \"EventBridgeConfiguration\": {} with the AWS CLI (README). Default: none."
  default     = []
}

variable "new_log_bucket" {
  type = object({
    name                          = string
    log_prefix                    = optional(string, "s3-access")
    audited_bucket_names          = optional(set(string), [])
    existing_audited_bucket_names = optional(set(string), [])
    log_expiration_days           = optional(number)
    kms_enabled                   = optional(bool, false)
    force_destroy                 = optional(bool, false)
    policy_documents              = optional(list(string), [])
  })
  description = <<-EOT
    Optional: create a new log bucket (modules/access_log_bucket) and ship it. name: the new bucket; log_prefix: where
    S3 delivers the logs in it (shipped prefix "<log_prefix>/"); audited_bucket_names: NEW audited buckets to create,
    logging into it; existing_audited_bucket_names: existing buckets of this account allowed to deliver logs into it
    (their logging configuration is not changed: point it at the bucket yourself); log_expiration_days: null (default)
    keeps every log; kms_enabled: SSE-KMS with a new key instead of SSE-S3; policy_documents: extra bucket policy
    documents (e.g. athena_direct's). EventBridge delivery is turned on for it. Null (default): nothing is created.
  EOT
  default     = null
}

# ---------------------------------------------------------------------------
# Archive (account B): the lines of B's output source_root_tfvars
# ---------------------------------------------------------------------------

variable "mode" {
  type        = string
  description = "How the shipper writes to the archive: \"direct\" (its own role, allowed by B's bucket policy) or \"assume-role\" (assumes writer_role_arn with external_id)."
  default     = "direct"

  validation {
    condition     = contains(["direct", "assume-role"], var.mode)
    error_message = "mode must be \"direct\" or \"assume-role\"."
  }
}

variable "archive_bucket_name" {
  type        = string
  description = "Name of the archive bucket in account B."

  validation {
    condition     = can(regex(local.names.bucket.regex, var.archive_bucket_name))
    error_message = "archive_bucket_name must be ${local.names.bucket.rule}."
  }
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash; the shipper writes under <archive_prefix>/<source_account_id>/ only."

  validation {
    condition     = can(regex(local.names.prefix.regex, var.archive_prefix))
    error_message = "archive_prefix must be ${local.names.prefix.rule}."
  }
}

variable "archive_kms_key_arn" {
  type        = string
  description = "ARN of the archive's KMS key in B (direct mode: the shipper encrypts through S3 with it). Null when the archive uses SSE-S3; ignored in assume-role mode."
  default     = null

  validation {
    condition     = var.archive_kms_key_arn == null || can(regex(local.names.kms_key_arn_or_all.regex, var.archive_kms_key_arn))
    error_message = "archive_kms_key_arn must be null or ${local.names.kms_key_arn_or_all.rule}."
  }
}

variable "writer_role_arn" {
  type        = string
  description = "Assume-role mode (required there): this account's writer role in B. Null in direct mode."
  default     = null

  validation {
    condition     = var.writer_role_arn == null || can(regex(local.names.role_arn.regex, var.writer_role_arn))
    error_message = "writer_role_arn must be null or ${local.names.role_arn.rule}."
  }

  validation {
    condition     = var.mode != "assume-role" || var.writer_role_arn != null
    error_message = "mode = \"assume-role\" needs writer_role_arn: this account's writer role in B (the writer_role_arn line of B's source_root_tfvars for this account)."
  }
}

variable "external_id" {
  type        = string
  description = "Assume-role mode (required there): the sts:ExternalId B's writer role requires. Null in direct mode."
  default     = null

  validation {
    condition     = var.mode != "assume-role" || var.external_id != null
    error_message = "mode = \"assume-role\" needs external_id: the sts:ExternalId of B's writer role (the external_id line of B's source_root_tfvars for this account)."
  }
}

# ---------------------------------------------------------------------------
# Shipper
# ---------------------------------------------------------------------------

variable "lambda_zip_path" {
  type        = string
  description = "Shipper zip built by `make package` (cargo lambda build --release --arm64 --output-format zip). Null (default): <repo>/target/lambda/shipper/bootstrap.zip, i.e. $${path.root}/../../../target/lambda/shipper/bootstrap.zip."
  default     = null
}

variable "alarm_sns_topic_arns" {
  type        = list(string)
  description = "SNS topics in this account and region notified by the shipper's alarms (DLQ not empty, errors, queue stalled, lag, failure rate, silence). Empty (default): log_source creates an encrypted topic <name_prefix>-shipper-alarms (output alarm_topic_arn) and the alarms notify it."
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "alarm_sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}; not: ${join(", ", [for arn in var.alarm_sns_topic_arns : arn if !can(regex(local.names.sns_topic_arn.regex, arn))])}."
  }
}

variable "alarm_email_addresses" {
  type        = list(string)
  description = "Email addresses subscribed to the alarm topic log_source creates (only without alarm_sns_topic_arns). SNS sends each a confirmation mail; a subscription delivers nothing until its link is followed, and a destroy of one still pending only drops it from Terraform's state (\"Terraform cannot delete / unsubscribe the subscription\", AWS provider docs). Default: none; subscribe later with aws sns subscribe --topic-arn <alarm_topic_arn> --protocol email --notification-endpoint <address>."
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses entries must each be an email address."
  }

  validation {
    condition     = length(var.alarm_email_addresses) == 0 || length(var.alarm_sns_topic_arns) == 0
    error_message = "alarm_email_addresses subscribes to the topic log_source creates, which it does not with alarm_sns_topic_arns: subscribe the addresses to those topics instead."
  }
}

variable "silence_alarm_hours" {
  type        = number
  description = "Hours without a single shipped object before the shipper's silence alarm fires (log_source silence_alarm_hours; default 24). null: no silence alarm, for an account whose log buckets are idle by nature."
  default     = 24
}

variable "redrive_principal_arns" {
  type        = list(string)
  description = "Role ARNs (e.g. your operators' SSO roles) allowed to assume <name_prefix>-redrive, the role logferry redrive uses to move the DLQ back (output redrive_role_arn). Default: none, no role."
  default     = []

  validation {
    condition     = alltrue([for arn in var.redrive_principal_arns : can(regex(local.names.role_arn.regex, arn))])
    error_message = "redrive_principal_arns entries must each be ${local.names.role_arn.rule}."
  }
}

variable "batch_operations" {
  type = object({
    manifest_bucket_arn = string
    manifest_prefix     = string
    report_bucket_arn   = string
    report_prefix       = string
  })
  description = "Optional backfill through S3 Batch Operations (log_source batch_operations): the bucket and prefix (no leading or trailing slash) of the job manifests and of the completion reports. Creates <name_prefix>-batch-operations (output batch_operations_role_arn), the role a LambdaInvoke job passes to invoke the shipper on every manifest object. Default null: no role."
  default     = null

  validation {
    condition = var.batch_operations == null || try(
      can(regex(local.names.bucket_arn.regex, var.batch_operations.manifest_bucket_arn))
      && can(regex(local.names.bucket_arn.regex, var.batch_operations.report_bucket_arn)),
      false,
    )
    error_message = "batch_operations.manifest_bucket_arn and report_bucket_arn must each be ${local.names.bucket_arn.rule}."
  }

  validation {
    condition = var.batch_operations == null || try(
      can(regex(local.names.prefix.regex, var.batch_operations.manifest_prefix))
      && can(regex(local.names.prefix.regex, var.batch_operations.report_prefix)),
      false,
    )
    error_message = "batch_operations.manifest_prefix and report_prefix must each be ${local.names.prefix.rule}."
  }
}

variable "tags" {
  type        = map(string)
  description = "Default tags of every resource this root creates (provider default_tags). Existing buckets are not tagged: nothing on them changes."
  default     = { Project = "logferry" }
}
