# What needs a person about compaction: a run failed, runs keep leaving
# partitions behind, or no run happens at all. Every alarm notifies
# local.alarm_actions (notifications.tf) when it fires and when it recovers.
#
# treat_missing_data, alarm by alarm. CloudWatch's choices: "breaching" -
# "Missing data points are treated as breaching the threshold";
# "notBreaching" - "Missing data points are treated as being within the
# threshold" (AWS CDK TreatMissingData, mirroring PutMetricAlarm's
# TreatMissingData).

locals {
  # Every metric the alarms and the dashboard read, by name, from
  # infra/layout/metrics.json: local.metric.PartitionsDeferred fails the plan
  # if the name is not in that file.
  metric = { for name in keys(local.metrics.metrics) : name => name }

  # The compactor's EMF documents carry exactly one dimension, Service = the
  # function name, and a query must name exactly that set ("If a specific
  # combination of dimensions was not published, you can't retrieve
  # statistics for it", CloudWatch API reference, GetMetricStatistics).
  service_dimensions = { (local.metrics.dimension) = aws_lambda_function.compactor.function_name }
}

# It used to exist only with alarm_sns_topic_arns.
moved {
  from = aws_cloudwatch_metric_alarm.compactor_errors[0]
  to   = aws_cloudwatch_metric_alarm.compactor_errors
}

# A run fails when any partition failed or was cut off by the timeout. One
# datapoint per hour covers one run at the default rate(1 hour), so the
# alarm stays in ALARM until a run succeeds or an hour passes without one.
# notBreaching: no invocation is no error (not_running owns that case).
resource "aws_cloudwatch_metric_alarm" "compactor_errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The compactor ${aws_lambda_function.compactor.function_name} failed a run: a partition was not compacted or was cut off by the timeout. Nothing is lost; the next run retries. See its log group ${aws_cloudwatch_log_group.compactor.name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.compactor.function_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# Not keeping up: the smallest PartitionsDeferred of all runs in the window
# is above 0, i.e. every run left work for the next one (one EMF document,
# one value, per run; Minimum over the window is the best run). One period
# as long as the window: its Minimum is over every run in it.
# notBreaching: no run in the window emits no value and defers nothing
# (errors and not_running own those cases).
resource "aws_cloudwatch_metric_alarm" "falling_behind" {
  count = var.deferred_alarm_hours == null ? 0 : 1

  alarm_name          = "${local.function_name}-falling-behind"
  alarm_description   = "Every run of ${aws_lambda_function.compactor.function_name} in the last ${var.deferred_alarm_hours} hours left partitions for the next run (${local.metric.PartitionsDeferred} > 0): it is out of time before it is through. Raise timeout or memory_size, or compact the backlog with logferry compact --day <day>; see ${aws_cloudwatch_log_group.compactor.name}."
  namespace           = local.metrics.namespace
  metric_name         = local.metric.PartitionsDeferred
  dimensions          = local.service_dimensions
  statistic           = "Minimum"
  period              = var.deferred_alarm_hours * 3600
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# "Silence is an alarm": no invocation in any hour of the window. breaching:
# Lambda reports Invocations only for invocations, so an hour without data
# is an hour without a run. Hourly periods, so at most 168 of them
# ("Period multiplied by EvaluationPeriods can't be more than 604,800
# seconds", PutMetricAlarm, Period).
resource "aws_cloudwatch_metric_alarm" "not_running" {
  count = var.not_running_alarm_hours == null ? 0 : 1

  alarm_name          = "${local.function_name}-not-running"
  alarm_description   = "${aws_lambda_function.compactor.function_name} was not invoked for ${var.not_running_alarm_hours} hours: check the schedule ${local.function_name} (enabled, expression ${var.schedule_expression}), its role ${local.function_name}-scheduler, and the function's Throttles."
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = aws_lambda_function.compactor.function_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = var.not_running_alarm_hours
  datapoints_to_alarm = var.not_running_alarm_hours
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}
