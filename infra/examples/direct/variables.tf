variable "region" {
  type        = string
  description = "Region of every resource in both accounts (server access logs and their bucket must share a region)."
  default     = "eu-west-1"
}

variable "source_profile" {
  type        = string
  description = "AWS CLI profile with admin rights in the source account (A). Null: default credential chain."
  default     = null
}

variable "archive_profile" {
  type        = string
  description = "AWS CLI profile with admin rights in the archive account (B). Null: default credential chain."
  default     = null
}

variable "source_account_id" {
  type        = string
  description = "Account id of the source account (A); the source provider refuses any other account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "archive_account_id" {
  type        = string
  description = "Account id of the archive account (B); the archive provider refuses any other account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.archive_account_id))
    error_message = "archive_account_id must be a 12-digit AWS account id."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the shipper's role, function, queues and alarms in account A."
  default     = "logferry"
}

variable "audited_bucket_name" {
  type        = string
  description = "Bucket in A whose requests are logged (created by this example)."
}

variable "access_log_bucket_name" {
  type        = string
  description = "Bucket in A receiving the server access logs (created by this example)."
}

variable "archive_bucket_name" {
  type        = string
  description = "Archive bucket in B (created by this example)."
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash."
}

variable "archive_kms_enabled" {
  type        = bool
  description = "Encrypt the archive with a customer managed key in B (the shipper is then allowed to use keys of B through S3, for the archive prefix only)."
  default     = true
}

variable "lambda_zip_path" {
  type        = string
  description = "Shipper zip built by `cargo lambda build --release --arm64 --output-format zip`. Null: <repo>/target/lambda/shipper/bootstrap.zip."
  default     = null
}

variable "alarm_sns_topic_arns" {
  type        = list(string)
  description = "SNS topics in A notified by the shipper's alarms."
  default     = []
}

variable "access_log_bucket_policy_documents" {
  type        = list(string)
  description = "Extra policy documents for A's access log bucket, e.g. the athena example's access_log_bucket_policy_json (source_root_tfvars) so B's direct analyst role can read the logs."
  default     = []
}

variable "archive_analyst_principal_arns" {
  type        = list(string)
  description = "Roles in B allowed to decrypt the archive through S3 (archive key policy), e.g. the athena example's archive_analyst_role_arn (source_root_tfvars)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.archive_analyst_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "archive_analyst_principal_arns must be IAM role ARNs."
  }
}

variable "archive_compactor_principal_arns" {
  type        = list(string)
  description = "Roles in B allowed to decrypt the archive prefix and encrypt the query copies through S3 (archive key policy), e.g. the athena example's compactor role (source_root_tfvars)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.archive_compactor_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "archive_compactor_principal_arns must be IAM role ARNs."
  }
}

variable "archive_query_prefix" {
  type        = string
  description = "Prefix of the compacted copies in the archive bucket (the athena example's query_prefix, source_root_tfvars). Null: infra/layout/query-prefix.txt (logferry-query)."
  default     = null
}

variable "compacted_originals_transition" {
  type = object({
    days          = number
    storage_class = string
  })
  description = "Optional lifecycle transition of the archive's originals (not the compacted copies), e.g. { days = 90, storage_class = \"GLACIER_IR\" }; see log_archive's README for why it saves little for small access log objects. Null: none."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Default tags for every resource in both accounts."
  default     = { Project = "logferry" }
}
