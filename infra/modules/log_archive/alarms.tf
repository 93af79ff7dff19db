# Alarms on attempts to destroy the archive: EventBridge rules in this
# account on CloudTrail's management events for this bucket and this key,
# each notifying alarm_sns_topic_arns or a topic made by alarm_topic. They
# fire on the attempt, allowed or not, and on the break-glass and protection
# admin principals' own changes: their use is the audit trail.
#
# "To record events with a detail-type value of AWS API Call via CloudTrail,
# a CloudTrail trail with logging enabled is required" (EventBridge user
# guide, Events from AWS services): account B needs a trail that logs
# management events in this region. CloudTrail names each API call by the
# operation's event name, which for lifecycle configurations is the older
# one: PutBucketLifecycleConfiguration is logged as PutBucketLifecycle and
# DeleteBucketLifecycle (the CIS AWS Foundations benchmark's S3 bucket policy
# metric filter matches the same names). Deleting a version is a data event,
# which a trail logs only when asked (S3 data events); the bucket policy
# already refuses it to all but the break-glass principals.

locals {
  protection_rules = merge(
    {
      bucket = {
        description = "logferry: someone changed or tried to change the protections of ${var.archive_bucket_name}"
        pattern = {
          source        = ["aws.s3"]
          "detail-type" = ["AWS API Call via CloudTrail"]
          detail = {
            eventSource       = ["s3.amazonaws.com"]
            eventName         = ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "DeleteBucketLifecycle", "PutBucketVersioning", "PutObjectLockConfiguration"]
            requestParameters = { bucketName = [var.archive_bucket_name] }
          }
        }
      }
    },
    # KMS takes these three by key id or key ARN, never by alias ("Specify
    # the key ID or key ARN of the KMS key", KMS API Reference), so both
    # forms are matched.
    var.kms_enabled ? {
      key = {
        description = "logferry: someone changed the policy of, disabled or scheduled the deletion of the key of ${var.archive_bucket_name}"
        pattern = {
          source        = ["aws.kms"]
          "detail-type" = ["AWS API Call via CloudTrail"]
          detail = {
            eventSource       = ["kms.amazonaws.com"]
            eventName         = ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"]
            requestParameters = { keyId = [aws_kms_key.archive[0].key_id, aws_kms_key.archive[0].arn] }
          }
        }
      }
    } : {},
  )

  # One target per rule and topic, keyed by position: the topic ARNs may be
  # known only after apply.
  protection_targets = {
    for pair in setproduct(keys(local.protection_rules), range(length(module.alarm_topic.topic_arns))) :
    "${pair[0]}-${pair[1]}" => { rule = pair[0], topic_arn = module.alarm_topic.topic_arns[pair[1]] }
  }
}

resource "aws_cloudwatch_event_rule" "protection" {
  for_each = local.protection_rules

  name          = "${var.name_prefix}-${each.key}-protection"
  description   = each.value.description
  event_pattern = jsonencode(each.value.pattern)
  tags          = var.tags
}

module "alarm_topic" {
  source = "../alarm_topic"

  name               = "${var.name_prefix}-protection-alarms"
  display_name       = "logferry archive protection alarms"
  account_id         = data.aws_caller_identity.current.account_id
  sns_topic_arns     = var.alarm_sns_topic_arns
  publisher_services = ["events.amazonaws.com"]
  event_rule_arns    = [for rule in aws_cloudwatch_event_rule.protection : rule.arn]
  tags               = var.tags
}

resource "aws_cloudwatch_event_target" "protection" {
  for_each = local.protection_targets

  rule      = aws_cloudwatch_event_rule.protection[each.value.rule].name
  target_id = "alarm-topic-${split("-", each.key)[1]}"
  arn       = each.value.topic_arn
}
