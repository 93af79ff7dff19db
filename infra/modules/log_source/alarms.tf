# Three signals that need a person: a message gave up (DLQ), the function is
# failing, or the queue is not draining.

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name          = "${var.name_prefix}-shipper-dlq-not-empty"
  alarm_description   = "Log objects failed ${var.max_receive_count} deliveries and are parked in ${aws_sqs_queue.shipper_dlq.name}. Fix the cause, then redrive the DLQ."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.shipper_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_sns_topic_arns
  ok_actions          = var.alarm_sns_topic_arns
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "shipper_errors" {
  alarm_name          = "${var.name_prefix}-shipper-errors"
  alarm_description   = "The shipper function ${aws_lambda_function.shipper.function_name} returned errors (crash, timeout or whole-batch failure). See its log group ${aws_cloudwatch_log_group.shipper.name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.shipper.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_sns_topic_arns
  ok_actions          = var.alarm_sns_topic_arns
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_stalled" {
  alarm_name          = "${var.name_prefix}-shipper-queue-stalled"
  alarm_description   = "The oldest message on ${aws_sqs_queue.shipper.name} is older than ${var.oldest_message_alarm_seconds}s: shipping is stalled or throttled."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.shipper.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.oldest_message_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_sns_topic_arns
  ok_actions          = var.alarm_sns_topic_arns
  tags                = var.tags
}
