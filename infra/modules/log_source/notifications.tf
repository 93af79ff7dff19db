# Where the alarms go: the caller's topics (alarm_sns_topic_arns), or else a
# topic of this module's own, so that an alarm always reaches someone who
# subscribed.
#
# The topic is encrypted with a customer managed key, not with the AWS
# managed key alias/aws/sns. CloudWatch publishes to an encrypted topic only
# if the key's policy lets it: "Several AWS services publish events to Amazon
# SNS topics. To allow these event sources to work with encrypted topics, you
# must perform the following steps. 1. Use a customer managed CMK. 2. To
# allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt
# permissions, add the following statement to the CMK policy" (SNS developer
# guide, "Enable compatibility between event sources from AWS services and
# encrypted topics"). The policy of alias/aws/sns cannot be changed, so an
# alarm publishing to a topic encrypted with it fails with KMS
# AccessDeniedException in the alarm's history and nobody hears of it. The
# key costs one CMK a month per source account and region.

locals {
  create_alarm_topic = length(var.alarm_sns_topic_arns) == 0

  # What every alarm notifies, on ALARM and on OK.
  alarm_actions = local.create_alarm_topic ? [aws_sns_topic.alarms[0].arn] : var.alarm_sns_topic_arns
}

resource "aws_kms_key" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  description         = "logferry: encrypts the alarm topic ${var.name_prefix}-shipper-alarms"
  enable_key_rotation = true
  # It protects alarm notifications in flight only; nothing stored depends on
  # it once the topic is gone.
  deletion_window_in_days = 7
  # Account root administers the key; only CloudWatch may use it (through the
  # alarms' publishes), so nothing but an alarm can publish to the topic.
  policy = templatefile("${local.policy_dir}/alarm-topic-kms-key-policy.json.tpl", {
    key_admin_principal_arn = "arn:${local.partition}:iam::${var.source_account_id}:root"
  })
  tags = var.tags
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = "${var.name_prefix}-shipper-alarms"
  display_name      = "logferry shipper alarms"
  kms_master_key_id = aws_kms_key.alarms[0].arn
  tags              = var.tags
}
