# Where the alarms go: the caller's topics (alarm_sns_topic_arns), or else a
# topic made by alarm_topic, encrypted with a key CloudWatch may use (see
# that module for why not alias/aws/sns), as log_source does.

module "alarm_topic" {
  source = "../alarm_topic"

  name           = "${local.function_name}-alarms"
  display_name   = "logferry compactor alarms"
  account_id     = data.aws_caller_identity.current.account_id
  sns_topic_arns = var.alarm_sns_topic_arns
  tags           = var.tags
}

locals {
  # What every alarm notifies, on ALARM and on OK.
  alarm_actions = module.alarm_topic.topic_arns
}

# Both lived here before alarm_topic existed.
moved {
  from = aws_kms_key.alarms
  to   = module.alarm_topic.aws_kms_key.alarms
}

moved {
  from = aws_sns_topic.alarms
  to   = module.alarm_topic.aws_sns_topic.alarms
}
