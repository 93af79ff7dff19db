# What needs a person: a message gave up (DLQ), the function is failing, the
# queue is not draining, logs arrive late, too many objects fail, or nothing
# ships at all. Every alarm notifies local.alarm_actions (notifications.tf)
# when it fires and when it recovers.
#
# treat_missing_data, alarm by alarm. CloudWatch's choices: "breaching" -
# "Missing data points are treated as breaching the threshold";
# "notBreaching" - "Missing data points are treated as being within the
# threshold"; "ignore" - "The current alarm state is maintained" (AWS CDK
# TreatMissingData, mirroring PutMetricAlarm's TreatMissingData).

locals {
  # Every metric the alarms and the dashboard read, by name, from
  # infra/layout/metrics.json: local.metric.ObjectsShipped fails the plan if
  # the name is not in that file, instead of alarming on a metric nobody emits.
  metric = { for name in keys(local.metrics.metrics) : name => name }

  # The shipper's EMF documents carry exactly one dimension, Service = the
  # function name, and a query must name exactly that set: "CloudWatch treats
  # each unique combination of dimensions as a separate metric. If a specific
  # combination of dimensions was not published, you can't retrieve
  # statistics for it. You must specify the same dimensions that were used
  # when the metrics were created." (CloudWatch API reference,
  # GetMetricStatistics, Dimensions).
  service_dimensions = { (local.metrics.dimension) = aws_lambda_function.shipper.function_name }

  # The three ways an object fails, summed by the failure-rate alarm and
  # drawn by the dashboard.
  failure_metrics = [local.metric.ObjectsFailedRetryable, local.metric.ObjectsFailedPermanent, local.metric.ObjectsAccessDenied]
}

# --- Queue and function (AWS metrics) ---------------------------------------------

# notBreaching: SQS publishes a queue's metrics only while the queue is
# active, and a DLQ holding messages is active; no data means an empty, idle
# DLQ, which is the healthy state.
resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name          = "${var.name_prefix}-shipper-dlq-not-empty"
  alarm_description   = "Log objects failed ${var.max_receive_count} deliveries and are parked in ${aws_sqs_queue.shipper_dlq.name}. Find the cause in ${aws_cloudwatch_log_group.shipper.name}, fix it, then move them back: logferry redrive --dlq ${aws_sqs_queue.shipper_dlq.id}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.shipper_dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# notBreaching: Lambda reports Errors only for invocations; no invocation is
# no error. A shipper that is never invoked is the silence alarm's business.
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
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# notBreaching: ApproximateAgeOfOldestMessage is reported while the queue
# holds a message; no data means an empty queue, nothing waiting.
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
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# --- The shipper's own metrics (EMF, namespace and names from metrics.json) ----------

# LagSeconds runs from the log's own time as the shipper reads it (an
# access log's delivery stamp in its key, else the S3 event's time, else
# Last-Modified) to its verified landing in the archive. S3's own delay comes
# before that: it delivers access logs "on a best-effort basis. Most log
# records are delivered within a few hours of the time that they are
# recorded [...] The log record for a particular request might be delivered
# long after the request was actually processed" (S3 User Guide,
# "Best-effort server log delivery"), and that is log_compactor's
# settle_hours' business, not this alarm's. What is left is logferry's own
# path, normally seconds to minutes.
#
# p90, not the maximum: single objects are legitimately late - one retried
# max_receive_count times at the queue's visibility timeout lands about an
# hour late (5 x 725 s by default), and a redrive of the DLQ ships messages
# days old. The maximum would page for each of them; the p90 moves only when
# most logs are late. LagSeconds is a distribution (one value per shipped
# object), so CloudWatch computes the percentile over the period's values.
# The default threshold, an hour, sits at that retry bound; two hourly
# periods in a row keep a redrive (minutes) from paging.
#
# evaluate_low_sample_count_percentiles is left unset, which evaluates every
# period ("If you specify evaluate or omit this parameter, the alarm is
# always evaluated and possibly changes state no matter how many data points
# are available", PutMetricAlarm): a quiet source ships few objects an hour,
# and two late hours in a row are worth knowing about there too.
#
# ignore: no data means nothing was shipped, which says nothing about lag
# either way (the silence alarm owns that case); the alarm keeps its state
# until shipped objects show the lag again.
resource "aws_cloudwatch_metric_alarm" "lag" {
  alarm_name          = "${var.name_prefix}-shipper-lag"
  alarm_description   = "The p90 of ${local.metric.LagSeconds} (a log's own time to its verified landing in the archive) of ${aws_lambda_function.shipper.function_name} has been above ${var.lag_alarm_seconds}s for 2 hours. Check the queue's age of oldest message, throttling and errors; right after a redrive of old messages this is expected and clears within the hour."
  namespace           = local.metrics.namespace
  metric_name         = local.metric.LagSeconds
  dimensions          = local.service_dimensions
  extended_statistic  = "p90"
  period              = 3600
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.lag_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "ignore"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# The archive never follows an overwrite in A (README, "No overwrites"): a
# source whose content changed after it was archived is kept beside the
# archived copy under _conflicts/. Any such object deserves a look: a log
# doctored in A, or an application that rewrites its log objects.
#
# notBreaching: no data means no invocation reported one.
resource "aws_cloudwatch_metric_alarm" "sources_changed" {
  alarm_name          = "${var.name_prefix}-shipper-sources-changed"
  alarm_description   = "${aws_lambda_function.shipper.function_name} found log objects whose content changed in account A after they were archived (${local.metric.SourcesChanged}). The archived copies are unchanged; the new content is under <archive prefix>/<account>/_conflicts/<source ETag>/. The log group ${aws_cloudwatch_log_group.shipper.name} names both keys: compare them, and find who rewrote the source (CloudTrail data events on the log bucket)."
  namespace           = local.metrics.namespace
  metric_name         = local.metric.SourcesChanged
  dimensions          = local.service_dimensions
  statistic           = "Sum"
  period              = 900
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# 100 * failed / (failed + shipped) per 15 minutes. FILL(..., 0) makes a
# metric the invocation did not emit count as 0 instead of dropping the whole
# expression for that period; IF(...) avoids 0/0 when nothing was attempted.
# Two periods in a row: a burst of throttling that the retries absorb is not
# worth a page, a refused key or role (every object, every period) is.
#
# notBreaching: no data means no object was attempted, so none failed (the
# silence alarm owns "nothing happens").
resource "aws_cloudwatch_metric_alarm" "failure_rate" {
  alarm_name          = "${var.name_prefix}-shipper-failure-rate"
  alarm_description   = "More than ${var.failure_rate_alarm_percent}% of the objects ${aws_lambda_function.shipper.function_name} attempted failed (${join(", ", local.failure_metrics)}) in two 15-minute periods in a row. ${local.metric.ObjectsAccessDenied}: a key policy, bucket policy or role refuses (the log names it); ${local.metric.ObjectsFailedPermanent}: see the log for the object and reason; ${local.metric.ObjectsFailedRetryable}: throttling or an outage, the messages are retried and end in the DLQ after ${var.max_receive_count} tries."
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.failure_rate_alarm_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags

  dynamic "metric_query" {
    for_each = {
      retryable = local.metric.ObjectsFailedRetryable
      permanent = local.metric.ObjectsFailedPermanent
      denied    = local.metric.ObjectsAccessDenied
      shipped   = local.metric.ObjectsShipped
    }

    content {
      id = metric_query.key

      metric {
        namespace   = local.metrics.namespace
        metric_name = metric_query.value
        dimensions  = local.service_dimensions
        stat        = "Sum"
        period      = 900
      }
    }
  }

  metric_query {
    id          = "failed"
    expression  = "FILL(retryable, 0) + FILL(permanent, 0) + FILL(denied, 0)"
    label       = "Objects failed"
    return_data = false
  }

  metric_query {
    id          = "rate"
    expression  = "IF(failed + FILL(shipped, 0) > 0, 100 * failed / (failed + FILL(shipped, 0)), 0)"
    label       = "Objects failed, % of objects attempted"
    return_data = true
  }
}

# "Silence is an alarm": ObjectsShipped summed per hour below 1 for every
# hour of the window. breaching: an hour without any data is an hour in
# which nothing was shipped (no invocation emits no document), exactly what
# this alarm is for. Hourly periods: CloudWatch allows a total evaluation
# range of 7 days for periods of an hour or more ("Period multiplied by
# EvaluationPeriods can't be more than 604,800 seconds. For alarms with a
# period of less than one hour (3,600 seconds), the total evaluation period
# can't be longer than one day (86,400 seconds)", PutMetricAlarm, Period),
# hence silence_alarm_hours <= 168.
resource "aws_cloudwatch_metric_alarm" "silence" {
  count = var.silence_alarm_hours == null ? 0 : 1

  alarm_name          = "${var.name_prefix}-shipper-silent"
  alarm_description   = "${aws_lambda_function.shipper.function_name} shipped no log object for ${var.silence_alarm_hours} hours. Check that S3 -> EventBridge delivery is still on for the log buckets, that their rules are enabled, that the event source mapping is enabled (shipping_enabled), and that the audited buckets still log. For log buckets idle by nature set silence_alarm_hours = null."
  namespace           = local.metrics.namespace
  metric_name         = local.metric.ObjectsShipped
  dimensions          = local.service_dimensions
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = var.silence_alarm_hours
  datapoints_to_alarm = var.silence_alarm_hours
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}
