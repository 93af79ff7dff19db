locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "event_data_store_arn" {
  type        = string
  description = "ARN of the CloudTrail Lake event data store to share (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:[0-9]{12}:eventdatastore/[A-Za-z0-9-]+$", var.event_data_store_arn))
    error_message = "event_data_store_arn must be a CloudTrail event data store ARN."
  }
}

variable "reader_account_ids" {
  type        = list(string)
  description = "Account ids whose principals may query the event data store (each still needs an identity policy in its own account)."
  default     = []

  validation {
    condition     = alltrue([for id in var.reader_account_ids : can(regex(local.names.account_id.regex, id))])
    error_message = "reader_account_ids entries must each be ${local.names.account_id.rule}; not: ${join(", ", [for id in var.reader_account_ids : id if !can(regex(local.names.account_id.regex, id))])}."
  }
}

variable "reader_principal_arns" {
  type        = list(string)
  description = "Specific IAM role or user ARNs allowed to query, in addition to (or instead of) whole accounts."
  default     = []

  validation {
    condition     = alltrue([for arn in var.reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "reader_principal_arns entries must be IAM role or user ARNs."
  }
}
