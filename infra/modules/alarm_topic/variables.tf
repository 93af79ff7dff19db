locals {
  # The naming rules (regex + rule text) of every kind of value validated
  # below: infra/layout/names.json is the one place they are written.
  names = jsondecode(file("${path.module}/../../layout/names.json"))
}

variable "name" {
  description = "Name of the topic created when sns_topic_arns is empty (the key's description names it too)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 characters of A-Z a-z 0-9 _ and - (an SNS topic name)."
  }
}

variable "display_name" {
  description = "Display name of the created topic (the sender name of email notifications)."
  type        = string
  default     = null
}

variable "account_id" {
  description = "The account the topic and its key live in; its root administers the key (and, with event_rule_arns, manages the topic)."
  type        = string

  validation {
    condition     = can(regex(local.names.account_id.regex, var.account_id))
    error_message = "account_id must be ${local.names.account_id.rule}."
  }
}

variable "sns_topic_arns" {
  description = "Topics of the caller's to notify instead; when given, nothing is created here. Each must let the publishers below publish (and, if encrypted with a customer managed key, use that key)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sns_topic_arns : can(regex(local.names.sns_topic_arn.regex, arn))])
    error_message = "sns_topic_arns entries must each be ${local.names.sns_topic_arn.rule}; not: ${join(", ", [for arn in var.sns_topic_arns : arn if !can(regex(local.names.sns_topic_arn.regex, arn))])}."
  }
}

variable "publisher_services" {
  description = "Service principals allowed to use the created topic's key: cloudwatch.amazonaws.com for CloudWatch alarms, events.amazonaws.com for EventBridge rules."
  type        = list(string)
  default     = ["cloudwatch.amazonaws.com"]

  validation {
    condition     = length(var.publisher_services) > 0 && alltrue([for s in var.publisher_services : contains(["cloudwatch.amazonaws.com", "events.amazonaws.com"], s)])
    error_message = "publisher_services must list cloudwatch.amazonaws.com and/or events.amazonaws.com."
  }
}

variable "event_rule_arns" {
  description = "EventBridge rules that publish to the created topic. Non-empty: the topic gets a policy naming the owner account and these rules (aws:SourceArn) and nothing else."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.event_rule_arns : can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:rule/[A-Za-z0-9._-]+$", arn))])
    error_message = "event_rule_arns entries must each be an EventBridge rule ARN on the default bus: arn:aws:events:<region>:<account id>:rule/<name>."
  }
}

variable "tags" {
  description = "Tags added to the topic and its key."
  type        = map(string)
  default     = {}
}
