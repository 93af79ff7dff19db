# One CloudWatch dashboard per source account and region: what the shipper
# moves, how late, what fails, and what waits in the queue and the DLQ. The
# metric names come from local.metric (infra/layout/metrics.json), the
# queue's and the function's from AWS/SQS and AWS/Lambda.

locals {
  region = data.aws_region.current.name

  # Dashboards are global to the account, so the name carries the region
  # (one log_source per account and region).
  dashboard_name = "${var.name_prefix}-shipper-${local.region}"

  # ["logferry", <metric>, "Service", <function name>]: a widget's metric
  # row, without its rendering options.
  shipper_metric = {
    for name in keys(local.metric) :
    name => [local.metrics.namespace, name, local.metrics.dimension, aws_lambda_function.shipper.function_name]
  }

  dashboard_widgets = [
    {
      type   = "text"
      x      = 0
      y      = 0
      width  = 24
      height = 2
      properties = {
        markdown = join("\n", [
          "## logferry shipper `${aws_lambda_function.shipper.function_name}` (${local.region})",
          "Queue `${aws_sqs_queue.shipper.name}`, DLQ `${aws_sqs_queue.shipper_dlq.name}`, logs `${aws_cloudwatch_log_group.shipper.name}`. Alarms `${var.name_prefix}-shipper-*`; redrive the DLQ with `logferry redrive --dlq ${aws_sqs_queue.shipper_dlq.id}`.",
        ])
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 2
      width  = 12
      height = 6
      properties = {
        title  = "Throughput"
        region = local.region
        view   = "timeSeries"
        period = 300
        stat   = "Sum"
        metrics = [
          concat(local.shipper_metric[local.metric.ObjectsShipped], [{ label = "Objects shipped" }]),
          concat(local.shipper_metric[local.metric.ObjectsSkipped], [{ label = "Objects skipped" }]),
          concat(local.shipper_metric[local.metric.BytesShipped], [{ label = "Bytes shipped", yAxis = "right" }]),
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 2
      width  = 12
      height = 6
      properties = {
        title  = "Lag: log time to verified landing (seconds)"
        region = local.region
        view   = "timeSeries"
        period = 3600
        metrics = [
          concat(local.shipper_metric[local.metric.LagSeconds], [{ stat = "p50", label = "p50" }]),
          concat(local.shipper_metric[local.metric.LagSeconds], [{ stat = "p90", label = "p90 (alarmed)" }]),
          concat(local.shipper_metric[local.metric.LagSeconds], [{ stat = "Maximum", label = "max" }]),
        ]
        annotations = {
          horizontal = [{ label = "lag alarm", value = var.lag_alarm_seconds }]
        }
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 8
      width  = 12
      height = 6
      properties = {
        title   = "Failures (objects)"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 300
        stat    = "Sum"
        metrics = [for name in local.failure_metrics : concat(local.shipper_metric[name], [{ label = name }])]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 8
      width  = 12
      height = 6
      properties = {
        title  = "Queue ${aws_sqs_queue.shipper.name}"
        region = local.region
        view   = "timeSeries"
        period = 300
        stat   = "Maximum"
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.shipper.name, { label = "Messages waiting" }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", aws_sqs_queue.shipper.name, { label = "Age of oldest message (s)", yAxis = "right" }],
        ]
        annotations = {
          horizontal = [{ label = "queue-stalled alarm", value = var.oldest_message_alarm_seconds, yAxis = "right" }]
        }
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 14
      width  = 12
      height = 6
      properties = {
        title  = "DLQ ${aws_sqs_queue.shipper_dlq.name}"
        region = local.region
        view   = "timeSeries"
        period = 300
        stat   = "Maximum"
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.shipper_dlq.name, { label = "Messages parked" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 14
      width  = 12
      height = 6
      properties = {
        title  = "Function ${aws_lambda_function.shipper.function_name}"
        region = local.region
        view   = "timeSeries"
        period = 300
        stat   = "Sum"
        metrics = [
          ["AWS/Lambda", "Invocations", "FunctionName", aws_lambda_function.shipper.function_name, { label = "Invocations" }],
          ["AWS/Lambda", "Errors", "FunctionName", aws_lambda_function.shipper.function_name, { label = "Errors" }],
          ["AWS/Lambda", "Throttles", "FunctionName", aws_lambda_function.shipper.function_name, { label = "Throttles" }],
        ]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "shipper" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
