# The compactor's CloudWatch dashboard: what each run did to the partitions,
# what it read and wrote, and whether runs happen, fail or run out of time.
# Metric names from local.metric (infra/layout/metrics.json).

locals {
  region = data.aws_region.current.name

  # Dashboards are global to the account, so the name carries the region.
  dashboard_name = "${local.function_name}-${local.region}"

  # ["logferry", <metric>, "Service", <function name>]: a widget's metric row.
  compactor_metric = {
    for name in keys(local.metric) :
    name => [local.metrics.namespace, name, local.metrics.dimension, aws_lambda_function.compactor.function_name]
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
          "## logferry compactor `${aws_lambda_function.compactor.function_name}` (${local.region})",
          "Compacts `${var.archive_bucket_name}/${var.archive_prefix}/` into `${local.query_prefix}/` on `${var.schedule_expression}`; logs `${aws_cloudwatch_log_group.compactor.name}`. Alarms `${local.function_name}-*`.",
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
        title   = "Partitions per hour"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 3600
        stat    = "Sum"
        metrics = [
          concat(local.compactor_metric[local.metric.PartitionsWritten], [{ label = "Written" }]),
          concat(local.compactor_metric[local.metric.PartitionsUnchanged], [{ label = "Unchanged" }]),
          concat(local.compactor_metric[local.metric.PartitionsDeferred], [{ label = "Deferred" }]),
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
        title  = "Compacted per hour"
        region = local.region
        view   = "timeSeries"
        period = 3600
        stat   = "Sum"
        metrics = [
          concat(local.compactor_metric[local.metric.CompactedObjects], [{ label = "Archived objects read" }]),
          concat(local.compactor_metric[local.metric.CompactedBytes], [{ label = "Gzip bytes written", yAxis = "right" }]),
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 8
      width  = 12
      height = 6
      properties = {
        title  = "Runs"
        region = local.region
        view   = "timeSeries"
        period = 3600
        stat   = "Sum"
        metrics = [
          ["AWS/Lambda", "Invocations", "FunctionName", aws_lambda_function.compactor.function_name, { label = "Invocations" }],
          ["AWS/Lambda", "Errors", "FunctionName", aws_lambda_function.compactor.function_name, { label = "Errors" }],
          ["AWS/Lambda", "Throttles", "FunctionName", aws_lambda_function.compactor.function_name, { label = "Throttles" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 8
      width  = 12
      height = 6
      properties = {
        title  = "Run duration (ms)"
        region = local.region
        view   = "timeSeries"
        period = 3600
        stat   = "Maximum"
        metrics = [
          ["AWS/Lambda", "Duration", "FunctionName", aws_lambda_function.compactor.function_name, { label = "Longest run" }],
        ]
        annotations = {
          horizontal = [{ label = "timeout", value = var.timeout * 1000 }]
        }
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "compactor" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
