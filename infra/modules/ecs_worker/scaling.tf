# Scaling on the queue's depth: step scaling on three CloudWatch alarms over
# the queue's own SQS metrics (AWS/SQS, QueueName).
#
#   backlog  ApproximateNumberOfMessagesVisible >= 1 for scale_out_after_minutes
#            -> +1 task, +2 from messages_per_task visible, +4 from 4x that
#   idle     nothing visible for scale_in_after_minutes -> -1 task
#   empty    nothing visible or in flight for scale_in_after_minutes
#            -> exactly min_tasks
#
# Why step scaling and not target tracking on the queue depth: the worker
# receives a message within its 20 s long poll, so a served queue shows
# almost nothing visible whatever the number of tasks, and with min_tasks = 0
# there is no capacity to track from. Step adjustments "continue for
# additional alarm breaches until the alarm state returns to OK"
# (Application Auto Scaling User Guide, How step scaling works), so a lasting
# backlog keeps adding tasks up to max_tasks, and idle/empty take them away.
# "All metrics emit non-negative values only when the queue is active" (SQS
# Developer Guide, available CloudWatch metrics): a queue without data is an
# inactive, empty queue, so missing data breaches the scale-in alarms and
# never the scale-out one.

locals {
  scaling_resource_id = "service/${local.cluster_name}/${aws_ecs_service.worker.name}"
  queue_dimensions    = { QueueName = local.queue_name }

  # The three alarms and the step policy each one drives. metrics: the
  # queue's SQS metrics the alarm reads, by metric math id; with more than
  # one, the alarm reads their sum (labelled label). Step bounds are relative
  # to the threshold; a null bound is open.
  scaling = {
    backlog = {
      description  = "logferry worker: messages waiting on ${local.queue_name}; adds tasks (up to ${var.max_tasks})."
      metrics      = { visible = "ApproximateNumberOfMessagesVisible" }
      label        = "Messages visible"
      comparison   = "GreaterThanOrEqualToThreshold"
      threshold    = 1
      minutes      = var.scale_out_after_minutes
      missing_data = "notBreaching"
      adjustment   = "ChangeInCapacity"
      cooldown     = 60
      steps = [
        { lower = 0, upper = var.messages_per_task - 1, tasks = 1 },
        { lower = var.messages_per_task - 1, upper = 4 * var.messages_per_task - 1, tasks = 2 },
        { lower = 4 * var.messages_per_task - 1, upper = null, tasks = 4 },
      ]
    }
    idle = {
      description  = "logferry worker: nothing waiting on ${local.queue_name}; removes one task (down to ${var.min_tasks})."
      metrics      = { visible = "ApproximateNumberOfMessagesVisible" }
      label        = "Messages visible"
      comparison   = "LessThanOrEqualToThreshold"
      threshold    = 0
      minutes      = var.scale_in_after_minutes
      missing_data = "breaching"
      adjustment   = "ChangeInCapacity"
      cooldown     = 300
      steps        = [{ lower = null, upper = 0, tasks = -1 }]
    }
    empty = {
      description  = "logferry worker: ${local.queue_name} is empty (nothing visible or in flight); scales to min_tasks (${var.min_tasks})."
      metrics      = { visible = "ApproximateNumberOfMessagesVisible", in_flight = "ApproximateNumberOfMessagesNotVisible" }
      label        = "Messages visible or in flight"
      comparison   = "LessThanOrEqualToThreshold"
      threshold    = 0
      minutes      = var.scale_in_after_minutes
      missing_data = "breaching"
      adjustment   = "ExactCapacity"
      cooldown     = 300
      steps        = [{ lower = null, upper = 0, tasks = var.min_tasks }]
    }
  }
}

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = local.scaling_resource_id
  min_capacity       = var.min_tasks
  max_capacity       = var.max_tasks

  lifecycle {
    precondition {
      condition     = var.max_tasks >= var.min_tasks && var.max_tasks >= 1
      error_message = "max_tasks (${var.max_tasks}) must be at least 1 and at least min_tasks (${var.min_tasks})."
    }
  }
}

resource "aws_appautoscaling_policy" "scaling" {
  for_each = local.scaling

  name               = "${var.name}-${each.key}"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = each.value.adjustment
    cooldown                = each.value.cooldown
    metric_aggregation_type = "Maximum"

    dynamic "step_adjustment" {
      for_each = each.value.steps

      content {
        metric_interval_lower_bound = step_adjustment.value.lower
        metric_interval_upper_bound = step_adjustment.value.upper
        scaling_adjustment          = step_adjustment.value.tasks
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "scaling" {
  for_each = local.scaling

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  evaluation_periods  = each.value.minutes
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing_data
  alarm_actions       = [aws_appautoscaling_policy.scaling[each.key].arn]
  tags                = var.tags

  # One metric: read directly.
  namespace   = length(each.value.metrics) == 1 ? "AWS/SQS" : null
  metric_name = length(each.value.metrics) == 1 ? one(values(each.value.metrics)) : null
  dimensions  = length(each.value.metrics) == 1 ? local.queue_dimensions : null
  statistic   = length(each.value.metrics) == 1 ? "Maximum" : null
  period      = length(each.value.metrics) == 1 ? 60 : null

  # Several: their sum, by metric math.
  dynamic "metric_query" {
    for_each = length(each.value.metrics) > 1 ? [join(" + ", keys(each.value.metrics))] : []

    content {
      id          = "messages"
      expression  = metric_query.value
      label       = each.value.label
      return_data = true
    }
  }

  dynamic "metric_query" {
    for_each = length(each.value.metrics) > 1 ? each.value.metrics : {}

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/SQS"
        metric_name = metric_query.value
        dimensions  = local.queue_dimensions
        stat        = "Maximum"
        period      = 60
      }
    }
  }
}
