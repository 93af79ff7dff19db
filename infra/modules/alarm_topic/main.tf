# Where a module's alarms go: the caller's topics (sns_topic_arns), or else a
# topic made here, so that an alarm always reaches someone who subscribed.
# Used by log_source and log_compactor (CloudWatch alarms) and log_archive
# (EventBridge rules on CloudTrail).
#
# The topic is encrypted with a customer managed key, not with the AWS
# managed key alias/aws/sns. A service publishes to an encrypted topic only
# if the key's policy lets it: "Several AWS services publish events to Amazon
# SNS topics. To allow these event sources to work with encrypted topics, you
# must perform the following steps. 1. Use a customer managed CMK. 2. To
# allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt
# permissions, add the following statement to the CMK policy" (SNS developer
# guide, "Enable compatibility between event sources from AWS services and
# encrypted topics"). The policy of alias/aws/sns cannot be changed, so a
# publish to a topic encrypted with it fails with KMS AccessDeniedException,
# and nobody hears of it. The key costs one CMK a month.
#
# The key statement for the publishers carries no condition, as in the SNS
# guide's own statement; who may publish at all is the topic policy's say.

locals {
  policy_dir = "${path.module}/../../policies"
  partition  = data.aws_partition.current.partition
  create     = length(var.sns_topic_arns) == 0

  account_root_arn = "arn:${local.partition}:iam::${var.account_id}:root"

  # What every alarm or rule notifies.
  topic_arns = local.create ? [aws_sns_topic.alarms[0].arn] : var.sns_topic_arns

  key_policy = templatefile("${local.policy_dir}/alarm-topic-kms-key-policy.json.tpl", {
    key_admin_principal_arn  = local.account_root_arn
    alarm_publisher_services = var.publisher_services
  })
}

data "aws_partition" "current" {}

resource "aws_kms_key" "alarms" {
  count = local.create ? 1 : 0

  description         = "logferry: encrypts the alarm topic ${var.name}"
  enable_key_rotation = true
  # It protects notifications in flight only; nothing stored depends on it
  # once the topic is gone.
  deletion_window_in_days = 7
  # The account administers the key; only the publishing services use it, so
  # nothing but an alarm or a rule can publish to the topic.
  policy = local.key_policy
  tags   = var.tags
}

resource "aws_sns_topic" "alarms" {
  count = local.create ? 1 : 0

  name              = var.name
  display_name      = var.display_name
  kms_master_key_id = aws_kms_key.alarms[0].arn
  tags              = var.tags
}

# EventBridge needs the topic's own policy too: "For Lambda, Amazon SNS,
# Amazon SQS, and Amazon CloudWatch Logs resources, EventBridge uses
# resource-based policies" (EventBridge user guide, Using resource-based
# policies), here with each rule as aws:SourceArn. Only with event rules:
# CloudWatch alarms publish under the topic's default policy, which this one
# would replace (it names the owner account and the rules, nothing else).
resource "aws_sns_topic_policy" "alarms" {
  count = local.create && length(var.event_rule_arns) > 0 ? 1 : 0

  arn = aws_sns_topic.alarms[0].arn
  policy = templatefile("${local.policy_dir}/alarm-topic-policy.json.tpl", {
    alarm_topic_arn  = aws_sns_topic.alarms[0].arn
    account_root_arn = local.account_root_arn
    event_rule_arns  = var.event_rule_arns
  })
}
