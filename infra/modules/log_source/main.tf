# Account A, one instance per account and region: attaches to log buckets that
# already exist. Their object-created events reach the shipper through
# EventBridge (one rule per log bucket -> one SQS queue, queue.tf) and the
# shipper Lambda (shipper.tf) copies each new log object into the account's
# partition of the archive in B.
#
# Nothing here changes a log or audited bucket: no bucket policy, lifecycle,
# logging or notification configuration, except S3 -> EventBridge delivery on
# the buckets listed in eventbridge_notification_buckets. Creating new buckets
# is access_log_bucket's job.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  policy_dir = "${path.module}/../../policies"

  # Derived from the name, not from account B's state.
  archive_bucket_arn = "arn:${local.partition}:s3:::${var.archive_bucket_name}"

  shipper_role_name = coalesce(var.shipper_role_name, "${var.name_prefix}-shipper")
  function_name     = "${var.name_prefix}-shipper"
  log_group_name    = "/aws/lambda/${local.function_name}"

  # The queue must hide a message for longer than one invocation may take,
  # including the time spent waiting to fill the batch (AWS guidance: 6x).
  queue_visibility_timeout_seconds = 6 * var.function_timeout_seconds + var.maximum_batching_window_in_seconds

  # "" among a bucket's prefixes means the whole bucket.
  whole_bucket = { for name, bucket in var.log_buckets : name => contains(bucket.prefixes, "") }
  log_bucket_prefixes = {
    for name, bucket in var.log_buckets :
    name => local.whole_bucket[name] ? [""] : distinct(bucket.prefixes)
  }

  # What the shipper may read: arn:...:<bucket>/<prefix>* for every prefix.
  source_object_arns = flatten([
    for name in sort(keys(var.log_buckets)) : [
      for prefix in local.log_bucket_prefixes[name] : "arn:${local.partition}:s3:::${name}/${prefix}*"
    ]
  ])

  source_kms_key_arns = sort(distinct(compact([for bucket in values(var.log_buckets) : bucket.kms_key_arn])))

  # Rule names are at most 64 characters: <name_prefix>-<bucket>, shortened
  # with a hash of the bucket name when that is longer.
  event_rule_names = {
    for name in keys(var.log_buckets) :
    name => length("${var.name_prefix}-${name}") <= 64 ? "${var.name_prefix}-${name}" : "${substr("${var.name_prefix}-${name}", 0, 55)}-${substr(sha256(name), 0, 8)}"
  }

  # One pattern per log bucket: S3's "Object Created" events of that bucket,
  # under its prefixes (no key filter when the whole bucket is shipped).
  event_patterns = {
    for name in keys(var.log_buckets) :
    name => jsonencode({
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = merge(
        { bucket = { name = [name] } },
        local.whole_bucket[name] ? {} : {
          object = { key = [for prefix in local.log_bucket_prefixes[name] : { prefix = prefix }] }
        },
      )
    })
  }
}

# ---------------------------------------------------------------------------
# Subscription: S3 -> EventBridge -> SQS
# ---------------------------------------------------------------------------

# Opt-in per bucket. This resource owns the bucket's WHOLE notification
# configuration (PutBucketNotificationConfiguration replaces it), so it is only
# for log buckets without notifications of their own; see the README for
# turning EventBridge on next to existing notifications.
resource "aws_s3_bucket_notification" "eventbridge" {
  for_each = var.eventbridge_notification_buckets

  bucket      = each.key
  eventbridge = true

  lifecycle {
    precondition {
      condition     = contains(keys(var.log_buckets), each.key)
      error_message = "eventbridge_notification_buckets names ${each.key}, which is not a key of log_buckets: only log buckets this module ships from may have their notification configuration replaced."
    }
  }
}

resource "aws_cloudwatch_event_rule" "log_objects" {
  for_each = var.log_buckets

  name          = local.event_rule_names[each.key]
  description   = "logferry: new log objects in ${each.key} -> ${local.function_name}'s queue"
  event_pattern = local.event_patterns[each.key]
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "log_objects" {
  for_each = var.log_buckets

  rule      = aws_cloudwatch_event_rule.log_objects[each.key].name
  target_id = "shipper-queue"
  arn       = aws_sqs_queue.shipper.arn

  # EventBridge checks SendMessage permission on delivery, not here; the
  # queue policy must still exist before the first event.
  depends_on = [aws_sqs_queue_policy.shipper]
}
