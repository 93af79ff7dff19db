# Object-created events on the access log bucket -> SQS -> shipper.
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

data "aws_iam_policy_document" "queue_s3_notifications" {
  statement {
    sid       = "AllowAccessLogBucketNotifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.shipper.arn]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.access_logs.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.source_account_id]
    }
  }
}

data "aws_iam_policy_document" "queue" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/tls-only.json.tpl", {
      tls_only_service_prefix = "sqs"
      tls_only_resource_arns  = [aws_sqs_queue.shipper.arn]
    }),
    data.aws_iam_policy_document.queue_s3_notifications.json,
  ]
}

resource "aws_sqs_queue_policy" "shipper" {
  queue_url = aws_sqs_queue.shipper.id
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_s3_bucket_notification" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  queue {
    id            = "ship-access-logs"
    queue_arn     = aws_sqs_queue.shipper.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "${var.access_log_prefix}/"
  }

  # S3 sends a test event and checks SendMessage permission on save.
  depends_on = [aws_sqs_queue_policy.shipper]
}
