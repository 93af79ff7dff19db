variable "region" {
  type        = string
  description = "Region of the archive bucket and of A's log bucket (Athena runs in B in this region)."
  default     = "eu-west-1"
}

variable "archive_profile" {
  type        = string
  description = "AWS CLI profile with admin rights in the archive account (B). Null: default credential chain."
  default     = null
}

variable "source_account_id" {
  type        = string
  description = "Account id of the source account (A): the account partition value of both tables."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit AWS account id."
  }
}

variable "archive_account_id" {
  type        = string
  description = "Account id of the archive account (B); the provider refuses any other account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.archive_account_id))
    error_message = "archive_account_id must be a 12-digit AWS account id."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the workgroups (<prefix>-archive, <prefix>-direct), Glue databases (with underscores) and analyst roles."
  default     = "logferry"
}

variable "audited_bucket_names" {
  type        = list(string)
  description = "Buckets in A whose requests are logged (the source_bucket partition values of both tables), e.g. [audited_bucket_name] of the source example."
}

variable "access_log_bucket_name" {
  type        = string
  description = "A's bucket receiving the server access logs (access_log_bucket_name of the source example); athena_direct reads it in place."
}

variable "access_log_prefix" {
  type        = string
  description = "Prefix the access logs are delivered under in the log bucket, without leading or trailing slash (log_source access_log_prefix, default s3-access)."
  default     = "s3-access"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.access_log_prefix)) && !strcontains(var.access_log_prefix, "..")
    error_message = "access_log_prefix must be non-empty, without leading/trailing slash, empty path segments or '..'."
  }
}

variable "access_log_kms_key_arn" {
  type        = string
  description = "KMS key of A's log bucket (log_source kms_key_arn output), or null for SSE-S3 (log_source's default)."
  default     = null
}

variable "archive_bucket_name" {
  type        = string
  description = "Archive bucket in B (archive_bucket_name of the source example)."
}

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket, without leading or trailing slash (archive_prefix of the source example)."
}

variable "archive_kms_enabled" {
  type        = bool
  description = "The archive is encrypted with log_archive's customer managed key (archive_kms_enabled of the source example); its ARN is looked up by alias."
  default     = true
}

variable "archive_kms_key_alias" {
  type        = string
  description = "Alias of the archive key in B. Null: log_archive's default, alias/<archive_bucket_name with dots as hyphens>."
  default     = null
}

variable "compaction_enabled" {
  type        = bool
  description = "Deploy the compactor (log_compactor) in B and a second archive table over its copies. Needs target/lambda/compactor/bootstrap.zip (make package)."
  default     = true
}

variable "compactor_zip_path" {
  type        = string
  description = "Compactor zip built by `make package`. Null: <repo>/target/lambda/compactor/bootstrap.zip."
  default     = null
}

variable "query_prefix" {
  type        = string
  description = "Prefix of the compacted copies in the archive bucket, without leading or trailing slash. Null: infra/layout/query-prefix.txt (logferry-query). A custom value reaches the source root as archive_query_prefix (source_root_tfvars)."
  default     = null
}

variable "archive_results_bucket_name" {
  type        = string
  description = "Query results bucket of the archive workgroup (created here)."
}

variable "direct_results_bucket_name" {
  type        = string
  description = "Query results bucket of the direct workgroup (created here)."
}

variable "analyst_trusted_principal_arns" {
  type        = list(string)
  description = "Principals in B (or elsewhere) allowed to assume both analyst roles, e.g. [\"arn:aws:iam::<B>:root\"] to delegate to B's IAM policies."
}

variable "tags" {
  type        = map(string)
  description = "Default tags for every resource."
  default     = { Project = "logferry" }
}
