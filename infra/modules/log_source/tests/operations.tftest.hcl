# log_source's operations side, planned against a mocked AWS provider: the
# alarms read the shipper's metrics as infra/layout/metrics.json names them
# (namespace, the one Service dimension = the function name), each alarm's
# threshold and treatment of missing data, where notifications go (a topic
# of the module's own, encrypted with a key CloudWatch may use, or the
# caller's topics), the dashboard, the redrive role and its policy, and the
# validations of the new variables.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/source"
}

# Distinct ARNs for the DLQ and the redrive role (the mocks give every queue
# and every role the same one).
override_resource {
  target          = aws_sqs_queue.shipper_dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/logferry-shipper-dlq"
  }
}

override_resource {
  target          = aws_iam_role.redrive[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/logferry-redrive", id = "logferry-redrive" }
}

variables {
  source_account_id = "111111111111"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
  }
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

# --- Alarms on the shipper's own metrics -------------------------------------------

run "alarms_read_the_metrics_json_namespace_names_and_service_dimension" {
  command = plan

  assert {
    condition = alltrue([
      for alarm in concat([aws_cloudwatch_metric_alarm.lag, aws_cloudwatch_metric_alarm.sources_changed], aws_cloudwatch_metric_alarm.silence) :
      alarm.namespace == jsondecode(file("../../layout/metrics.json")).namespace
      && alarm.namespace == "logferry"
      && contains(keys(jsondecode(file("../../layout/metrics.json")).metrics), alarm.metric_name)
      && alarm.dimensions == tomap({ (jsondecode(file("../../layout/metrics.json")).dimension) = "logferry-shipper" })
    ])
    error_message = "The lag, sources-changed and silence alarms must read a metric of infra/layout/metrics.json, in its namespace, with exactly Service = the shipper's function name."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.sources_changed.metric_name == "SourcesChanged"
      && aws_cloudwatch_metric_alarm.sources_changed.statistic == "Sum"
      && aws_cloudwatch_metric_alarm.sources_changed.threshold == 0
      && aws_cloudwatch_metric_alarm.sources_changed.comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.sources_changed.treat_missing_data == "notBreaching"
    )
    error_message = "One changed source in 15 minutes must fire the sources-changed alarm."
  }

  assert {
    condition = alltrue([
      for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : (
        one(q.metric).namespace == "logferry"
        && contains(keys(jsondecode(file("../../layout/metrics.json")).metrics), one(q.metric).metric_name)
        && one(q.metric).dimensions == tomap({ Service = "logferry-shipper" })
        && one(q.metric).stat == "Sum"
      ) if length(q.metric) > 0
    ])
    error_message = "Every metric of the failure-rate expression must be a Sum of a metrics.json metric with Service = the function name."
  }
}

run "lag_alarm_is_the_p90_of_lag_seconds_above_the_threshold" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.lag.metric_name == "LagSeconds"
      && aws_cloudwatch_metric_alarm.lag.extended_statistic == "p90"
      && aws_cloudwatch_metric_alarm.lag.statistic == null
      && aws_cloudwatch_metric_alarm.lag.threshold == 3600
      && aws_cloudwatch_metric_alarm.lag.comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.lag.period == 3600
      && aws_cloudwatch_metric_alarm.lag.evaluation_periods == 2
      && aws_cloudwatch_metric_alarm.lag.datapoints_to_alarm == 2
    )
    error_message = "Lag: p90 of LagSeconds above 3600 s (1 h) for two hourly periods by default."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.lag.treat_missing_data == "ignore"
    error_message = "Lag: nothing shipped says nothing about lag; the alarm keeps its state (ignore)."
  }
}

run "failure_rate_alarm_divides_failures_by_attempts" {
  command = plan

  assert {
    condition = toset([
      for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : one(q.metric).metric_name if length(q.metric) > 0
    ]) == toset(["ObjectsFailedRetryable", "ObjectsFailedPermanent", "ObjectsAccessDenied", "ObjectsShipped"])
    error_message = "The failure rate reads the three failure metrics and ObjectsShipped."
  }

  assert {
    condition = [
      for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : q.id if coalesce(q.return_data, false)
    ] == ["rate"]
    error_message = "Exactly one query, the rate, returns the alarm's data."
  }

  assert {
    condition = one([
      for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : q.expression if q.id == "failed"
      ]) == "FILL(retryable, 0) + FILL(permanent, 0) + FILL(denied, 0)" && one([
      for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : q.expression if q.id == "rate"
    ]) == "IF(failed + FILL(shipped, 0) > 0, 100 * failed / (failed + FILL(shipped, 0)), 0)"
    error_message = "rate = 100 * (retryable + permanent + denied) / (those + shipped), 0 when nothing was attempted."
  }

  assert {
    condition = (
      alltrue([for q in aws_cloudwatch_metric_alarm.failure_rate.metric_query : one(q.metric).period == 900 if length(q.metric) > 0])
      && aws_cloudwatch_metric_alarm.failure_rate.threshold == 10
      && aws_cloudwatch_metric_alarm.failure_rate.comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.failure_rate.evaluation_periods == 2
      && aws_cloudwatch_metric_alarm.failure_rate.datapoints_to_alarm == 2
      && aws_cloudwatch_metric_alarm.failure_rate.treat_missing_data == "notBreaching"
    )
    error_message = "Failure rate: above 10% in two 15-minute periods in a row; nothing attempted is not a failure (notBreaching)."
  }
}

run "silence_is_an_alarm" {
  command = plan

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.silence) == 1
      && aws_cloudwatch_metric_alarm.silence[0].alarm_name == "logferry-shipper-silent"
      && aws_cloudwatch_metric_alarm.silence[0].metric_name == "ObjectsShipped"
      && aws_cloudwatch_metric_alarm.silence[0].statistic == "Sum"
      && aws_cloudwatch_metric_alarm.silence[0].comparison_operator == "LessThanThreshold"
      && aws_cloudwatch_metric_alarm.silence[0].threshold == 1
      && aws_cloudwatch_metric_alarm.silence[0].period == 3600
      && aws_cloudwatch_metric_alarm.silence[0].evaluation_periods == 24
      && aws_cloudwatch_metric_alarm.silence[0].datapoints_to_alarm == 24
    )
    error_message = "Silence: fewer than 1 object shipped in every hour of the last 24 by default."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.silence[0].treat_missing_data == "breaching"
    error_message = "Silence: no invocation emits no data, and no data must count as nothing shipped (breaching)."
  }

  assert {
    condition     = output.alarm_names.silence == "logferry-shipper-silent" && length(output.alarm_names) == 7
    error_message = "alarm_names must list the six alarms."
  }
}

run "silence_window_of_a_week_is_cloudwatchs_limit" {
  command = plan

  variables {
    silence_alarm_hours = 168
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.silence[0].period * aws_cloudwatch_metric_alarm.silence[0].evaluation_periods == 604800
    error_message = "168 hourly periods: exactly CloudWatch's 7-day evaluation range."
  }
}

run "silence_alarm_can_be_switched_off" {
  command = plan

  variables {
    silence_alarm_hours = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.silence) == 0 && !contains(keys(output.alarm_names), "silence")
    error_message = "silence_alarm_hours = null: no silence alarm, for log buckets idle by nature."
  }
}

run "existing_alarms_treat_missing_data_as_fine" {
  command = plan

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.dlq_not_empty, aws_cloudwatch_metric_alarm.shipper_errors, aws_cloudwatch_metric_alarm.queue_stalled] :
      alarm.treat_missing_data == "notBreaching"
    ])
    error_message = "An idle DLQ, no invocation and an empty queue publish no data and are healthy: notBreaching."
  }

  assert {
    condition = alltrue([
      for alarm in concat(
        [aws_cloudwatch_metric_alarm.dlq_not_empty, aws_cloudwatch_metric_alarm.shipper_errors, aws_cloudwatch_metric_alarm.queue_stalled, aws_cloudwatch_metric_alarm.lag, aws_cloudwatch_metric_alarm.failure_rate],
        aws_cloudwatch_metric_alarm.silence,
      ) : length(alarm.alarm_description) <= 1024
    ])
    error_message = "CloudWatch takes alarm descriptions of at most 1024 characters."
  }
}

# --- Notifications ----------------------------------------------------------------------

run "without_topics_the_module_creates_an_encrypted_topic_and_notifies_it" {
  command = plan

  assert {
    condition = (
      module.alarm_topic.topic_arn == "arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms"
      && module.alarm_topic.kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    )
    error_message = "No alarm_sns_topic_arns: a topic <name_prefix>-shipper-alarms encrypted with the module's own rotating key."
  }

  assert {
    condition = alltrue([
      for alarm in concat(
        [aws_cloudwatch_metric_alarm.dlq_not_empty, aws_cloudwatch_metric_alarm.shipper_errors, aws_cloudwatch_metric_alarm.queue_stalled, aws_cloudwatch_metric_alarm.lag, aws_cloudwatch_metric_alarm.failure_rate],
        aws_cloudwatch_metric_alarm.silence,
      ) :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Every alarm must notify the module's topic when it fires and when it recovers."
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms" && output.alarm_sns_topic_arns == tolist(["arn:aws:sns:eu-west-1:111111111111:logferry-shipper-alarms"])
    error_message = "alarm_topic_arn and alarm_sns_topic_arns must name the created topic."
  }

  # CloudWatch calls KMS itself when it publishes to an encrypted topic.
  assert {
    condition = one([
      for s in jsondecode(module.alarm_topic.kms_key_policy).Statement : s if s.Sid == "AlarmPublishersUseKey"
      ]) == {
      Sid       = "AlarmPublishersUseKey"
      Effect    = "Allow"
      Principal = { Service = ["cloudwatch.amazonaws.com"] }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
    }
    error_message = "The topic key must let cloudwatch.amazonaws.com generate data keys and decrypt, or alarms cannot publish."
  }

  assert {
    condition = [
      for s in jsondecode(module.alarm_topic.kms_key_policy).Statement : s.Principal if s.Sid == "AccountAdministersKey"
    ] == [{ AWS = "arn:aws:iam::111111111111:root" }]
    error_message = "The source account administers the key."
  }
}

run "given_topics_are_notified_and_no_topic_is_created" {
  command = plan

  variables {
    alarm_sns_topic_arns = ["arn:aws:sns:eu-west-1:111111111111:ops-alerts"]
  }

  assert {
    condition     = module.alarm_topic.kms_key_arn == null && output.alarm_topic_arn == null
    error_message = "With alarm_sns_topic_arns no topic or key is created."
  }

  assert {
    condition = alltrue([
      for alarm in concat(
        [aws_cloudwatch_metric_alarm.dlq_not_empty, aws_cloudwatch_metric_alarm.shipper_errors, aws_cloudwatch_metric_alarm.queue_stalled, aws_cloudwatch_metric_alarm.lag, aws_cloudwatch_metric_alarm.failure_rate],
        aws_cloudwatch_metric_alarm.silence,
      ) :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:ops-alerts"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Every alarm must notify the given topics."
  }
}

# --- Dashboard -------------------------------------------------------------------------------

run "dashboard_shows_throughput_lag_failures_queue_and_dlq" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.shipper.dashboard_name == "logferry-shipper-eu-west-1" && output.dashboard_name == "logferry-shipper-eu-west-1"
    error_message = "One dashboard per account and region: <name_prefix>-shipper-<region>."
  }

  # Every logferry row: a metrics.json metric with Service = the function.
  assert {
    condition = alltrue([
      for row in concat([for w in jsondecode(aws_cloudwatch_dashboard.shipper.dashboard_body).widgets : try(w.properties.metrics, [])]...) :
      row[0] != "logferry" || (
        contains(keys(jsondecode(file("../../layout/metrics.json")).metrics), row[1]) && row[2] == "Service" && row[3] == "logferry-shipper"
      )
    ])
    error_message = "The dashboard's logferry metrics must be metrics.json names with Service = the function name."
  }

  assert {
    condition = toset([
      for row in concat([for w in jsondecode(aws_cloudwatch_dashboard.shipper.dashboard_body).widgets : try(w.properties.metrics, [])]...) :
      row[1] if row[0] == "logferry"
    ]) == toset(["ObjectsShipped", "ObjectsSkipped", "BytesShipped", "LagSeconds", "ObjectsFailedRetryable", "ObjectsFailedPermanent", "ObjectsAccessDenied"])
    error_message = "Throughput, lag and the three failure metrics must be on the dashboard."
  }

  assert {
    condition = toset([
      for row in concat([for w in jsondecode(aws_cloudwatch_dashboard.shipper.dashboard_body).widgets : try(w.properties.metrics, [])]...) :
      row[4].stat if row[1] == "LagSeconds"
    ]) == toset(["p50", "p90", "Maximum"])
    error_message = "Lag must be drawn as p50, p90 and max."
  }

  assert {
    condition = toset([
      for row in concat([for w in jsondecode(aws_cloudwatch_dashboard.shipper.dashboard_body).widgets : try(w.properties.metrics, [])]...) :
      "${row[1]} ${row[3]}" if row[0] == "AWS/SQS"
      ]) == toset([
      "ApproximateNumberOfMessagesVisible logferry-shipper",
      "ApproximateAgeOfOldestMessage logferry-shipper",
      "ApproximateNumberOfMessagesVisible logferry-shipper-dlq",
    ])
    error_message = "Queue depth and age of the queue, and the DLQ's depth, must be on the dashboard."
  }

  assert {
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.shipper.dashboard_body).widgets :
      try(w.properties.region, null) == "eu-west-1" if w.type == "metric"
    ])
    error_message = "Every metric widget must name the shipper's region (dashboards are global)."
  }
}

# --- Redrive --------------------------------------------------------------------------------

run "no_redrive_role_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role.redrive) == 0 && length(aws_iam_role_policy.redrive) == 0 && output.redrive_role_arn == null
    error_message = "No redrive_principal_arns, no redrive role."
  }
}

run "redrive_role_trusts_the_named_roles_and_may_only_redrive" {
  command = plan

  variables {
    redrive_principal_arns = [
      "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_LogferryOperator_0123456789abcdef",
      "arn:aws:iam::111111111111:role/ops-ci",
    ]
  }

  assert {
    condition     = aws_iam_role.redrive[0].name == "logferry-redrive" && output.redrive_role_arn == "arn:aws:iam::111111111111:role/logferry-redrive"
    error_message = "The role is <name_prefix>-redrive and its ARN an output."
  }

  assert {
    condition = jsondecode(aws_iam_role.redrive[0].assume_role_policy).Statement == [{
      Sid       = "AssumeFromNamedOperatorRoles"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_LogferryOperator_0123456789abcdef", "arn:aws:iam::111111111111:role/ops-ci"] }
      Action    = "sts:AssumeRole"
    }]
    error_message = "The trust names the given roles themselves, not their accounts' roots."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.redrive[0].policy).Statement == [
      {
        Sid    = "MoveMessagesOutOfDeadLetterQueue"
        Effect = "Allow"
        Action = [
          "sqs:StartMessageMoveTask",
          "sqs:ListMessageMoveTasks",
          "sqs:ListDeadLetterSourceQueues",
          "sqs:GetQueueAttributes",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
        ]
        Resource = "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper-dlq"
      },
      {
        Sid      = "RedriveIntoDestinationQueues"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
        Resource = ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"]
      },
    ]
    error_message = "Redrive: move, follow, check and peek on the DLQ; send (and read the ARN of) the shipper's queue only."
  }
}

# --- Validation -------------------------------------------------------------------------------

run "redrive_principal_arns_reject_account_roots" {
  command = plan

  variables {
    redrive_principal_arns = ["arn:aws:iam::111111111111:root"]
  }

  expect_failures = [var.redrive_principal_arns]
}

run "silence_alarm_hours_of_0_is_rejected" {
  command = plan

  variables {
    silence_alarm_hours = 0
  }

  expect_failures = [var.silence_alarm_hours]
}

run "silence_alarm_hours_beyond_a_week_is_rejected" {
  command = plan

  variables {
    silence_alarm_hours = 169
  }

  expect_failures = [var.silence_alarm_hours]
}

run "fractional_silence_alarm_hours_are_rejected" {
  command = plan

  variables {
    silence_alarm_hours = 1.5
  }

  expect_failures = [var.silence_alarm_hours]
}

run "lag_alarm_seconds_below_5_minutes_is_rejected" {
  command = plan

  variables {
    lag_alarm_seconds = 60
  }

  expect_failures = [var.lag_alarm_seconds]
}

run "failure_rate_of_100_percent_is_rejected" {
  command = plan

  variables {
    failure_rate_alarm_percent = 100
  }

  expect_failures = [var.failure_rate_alarm_percent]
}

run "negative_failure_rate_is_rejected" {
  command = plan

  variables {
    failure_rate_alarm_percent = -1
  }

  expect_failures = [var.failure_rate_alarm_percent]
}
