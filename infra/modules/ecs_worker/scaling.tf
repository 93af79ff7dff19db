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

resource "aws_appautoscaling_policy" "backlog" {
  name               = "${var.name}-backlog"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    # Bounds are relative to the alarm's threshold (1 visible message).
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = var.messages_per_task - 1
      scaling_adjustment          = 1
    }

    step_adjustment {
      metric_interval_lower_bound = var.messages_per_task - 1
      metric_interval_upper_bound = 4 * var.messages_per_task - 1
      scaling_adjustment          = 2
    }

    step_adjustment {
      metric_interval_lower_bound = 4 * var.messages_per_task - 1
      scaling_adjustment          = 4
    }
  }
}

resource "aws_appautoscaling_policy" "idle" {
  name               = "${var.name}-idle"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -1
    }
  }
}

resource "aws_appautoscaling_policy" "empty" {
  name               = "${var.name}-empty"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension
  resource_id        = aws_appautoscaling_target.worker.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = var.min_tasks
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "backlog" {
  alarm_name          = "${var.name}-backlog"
  alarm_description   = "logferry worker: messages waiting on ${local.queue_name}; adds tasks (up to ${var.max_tasks})."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = local.queue_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.scale_out_after_minutes
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.backlog.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "idle" {
  alarm_name          = "${var.name}-idle"
  alarm_description   = "logferry worker: nothing waiting on ${local.queue_name}; removes one task (down to ${var.min_tasks})."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = local.queue_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.scale_in_after_minutes
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_appautoscaling_policy.idle.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "empty" {
  alarm_name          = "${var.name}-empty"
  alarm_description   = "logferry worker: ${local.queue_name} is empty (nothing visible or in flight); scales to min_tasks (${var.min_tasks})."
  evaluation_periods  = var.scale_in_after_minutes
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_appautoscaling_policy.empty.arn]
  tags                = var.tags

  metric_query {
    id          = "messages"
    expression  = "visible + in_flight"
    label       = "Messages visible or in flight"
    return_data = true
  }

  metric_query {
    id = "visible"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = local.queue_dimensions
      stat        = "Maximum"
      period      = 60
    }
  }

  metric_query {
    id = "in_flight"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesNotVisible"
      dimensions  = local.queue_dimensions
      stat        = "Maximum"
      period      = 60
    }
  }
}
