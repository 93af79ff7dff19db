# Object Created events of the log buckets, through EventBridge -> SQS -> shipper.
# Messages that fail max_receive_count times move to the dead-letter queue,
# which is the shipper's only DLQ (Lambda's own DLQ applies to async invokes).

resource "aws_sqs_queue" "shipper_dlq" {
  name                      = "${var.name_prefix}-shipper-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "shipper" {
  name                       = "${var.name_prefix}-shipper"
  visibility_timeout_seconds = local.queue_visibility_timeout_seconds
  message_retention_seconds  = var.queue_message_retention_seconds
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.shipper_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "shipper_dlq" {
  queue_url = aws_sqs_queue.shipper_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.shipper.arn]
  })
}

data "aws_iam_policy_document" "queue_eventbridge" {
  statement {
    sid       = "AllowLogBucketEventRules"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.shipper.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    # Only this module's rules, one per log bucket.
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for name in sort(keys(var.log_buckets)) : aws_cloudwatch_event_rule.log_objects[name].arn]
    }
  }
}

data "aws_iam_policy_document" "queue" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/tls-only.json.tpl", {
      tls_only_service_prefix = "sqs"
      tls_only_resource_arns  = [aws_sqs_queue.shipper.arn]
    }),
    data.aws_iam_policy_document.queue_eventbridge.json,
  ]
}

resource "aws_sqs_queue_policy" "shipper" {
  queue_url = aws_sqs_queue.shipper.id
  policy    = data.aws_iam_policy_document.queue.json
}

# The DLQ holds the same messages, so it gets the same TLS-only document (the
# SQS Developer Guide's security best practices: enforce encryption of data in
# transit with an aws:SecureTransport condition in the queue policy), and
# nothing else. SQS moves messages into it on the queue's redrive policy, and
# a redrive (StartMessageMoveTask) runs as its caller under that caller's
# identity policy (redrive.json.tpl): neither needs a grant here. The test is
# Bool, not BoolIfExists, so a request without the key is not denied.
data "aws_iam_policy_document" "dlq" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/tls-only.json.tpl", {
      tls_only_service_prefix = "sqs"
      tls_only_resource_arns  = [aws_sqs_queue.shipper_dlq.arn]
    }),
  ]
}

resource "aws_sqs_queue_policy" "shipper_dlq" {
  queue_url = aws_sqs_queue.shipper_dlq.id
  policy    = data.aws_iam_policy_document.dlq.json
}
