# Where the alarms go: the caller's topics (alarm_sns_topic_arns), or else a
# topic of this module's own, so that an alarm always reaches someone who
# subscribed.
#
# Encrypted with a customer managed key, not alias/aws/sns: CloudWatch calls
# KMS itself when it publishes to an encrypted topic, and "To allow these
# event sources to work with encrypted topics, you must perform the
# following steps. 1. Use a customer managed CMK. 2. To allow the AWS
# service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add
# the following statement to the CMK policy" (SNS developer guide, "Enable
# compatibility between event sources from AWS services and encrypted
# topics"). The AWS managed key's policy cannot be changed, so alarms would
# fail to publish to a topic encrypted with it. The key policy is the same
# document log_source uses (alarm-topic-kms-key-policy.json.tpl).

locals {
  create_alarm_topic = length(var.alarm_sns_topic_arns) == 0

  # What every alarm notifies, on ALARM and on OK.
  alarm_actions = local.create_alarm_topic ? [aws_sns_topic.alarms[0].arn] : var.alarm_sns_topic_arns
}

resource "aws_kms_key" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  description         = "logferry: encrypts the alarm topic ${local.function_name}-alarms"
  enable_key_rotation = true
  # It protects alarm notifications in flight only; nothing stored depends on
  # it once the topic is gone.
  deletion_window_in_days = 7
  # Account root administers the key; only CloudWatch may use it.
  policy = templatefile("${local.policy_dir}/alarm-topic-kms-key-policy.json.tpl", {
    key_admin_principal_arn = "arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  })
  tags = var.tags
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = "${local.function_name}-alarms"
  display_name      = "logferry compactor alarms"
  kms_master_key_id = aws_kms_key.alarms[0].arn
  tags              = var.tags
}
