# ecs_worker's service and scaling, planned against a mocked AWS provider:
# a private Fargate service in the created or the given cluster, and the step
# scaling alarms on the queue's own SQS metrics.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/source"

  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:111111111111:cluster/logferry-worker" }
  }

  mock_resource "aws_ecs_task_definition" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:111111111111:task-definition/logferry-worker:1" }
  }

  mock_resource "aws_ecs_service" {
    defaults = { id = "arn:aws:ecs:eu-west-1:111111111111:service/logferry-worker/logferry-worker" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/ecs/logferry-worker" }
  }

  # Alarm actions must be ARNs even in a plan.
  mock_resource "aws_appautoscaling_policy" {
    defaults = { arn = "arn:aws:autoscaling:eu-west-1:111111111111:scalingPolicy:0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b:resource/ecs/service/logferry-worker/logferry-worker:policyName/logferry-worker-backlog" }
  }
}

variables {
  source_account_id   = "111111111111"
  image               = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:1.4.0"
  task_role_arn       = "arn:aws:iam::111111111111:role/logferry-ecs-writer"
  queue_arn           = "arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  security_group_ids  = ["sg-0123456789abcdef0"]
}

run "scaling_follows_the_queue" {
  command = plan

  variables {
    min_tasks = 1
    max_tasks = 6
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.scaling["backlog"], aws_cloudwatch_metric_alarm.scaling["idle"]] :
      alarm.namespace == "AWS/SQS" && alarm.metric_name == "ApproximateNumberOfMessagesVisible" && alarm.dimensions == tomap({ QueueName = "logferry-shipper" })
    ])
    error_message = "The backlog and idle alarms must read ApproximateNumberOfMessagesVisible of the worker's queue."
  }

  assert {
    condition = {
      for q in aws_cloudwatch_metric_alarm.scaling["empty"].metric_query : q.id => one(q.metric).metric_name if length(q.metric) > 0
      } == { visible = "ApproximateNumberOfMessagesVisible", in_flight = "ApproximateNumberOfMessagesNotVisible" } && alltrue([
        for q in aws_cloudwatch_metric_alarm.scaling["empty"].metric_query : one(q.metric).namespace == "AWS/SQS" && one(q.metric).dimensions == tomap({ QueueName = "logferry-shipper" }) if length(q.metric) > 0
    ])
    error_message = "The empty alarm must add the queue's visible and in-flight messages."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.scaling["backlog"].treat_missing_data == "notBreaching"
      && aws_cloudwatch_metric_alarm.scaling["idle"].treat_missing_data == "breaching"
      && aws_cloudwatch_metric_alarm.scaling["empty"].treat_missing_data == "breaching"
    )
    error_message = "An inactive queue (no data) is empty: it may scale in, never out."
  }

  assert {
    condition = (
      aws_appautoscaling_target.worker.min_capacity == 1 && aws_appautoscaling_target.worker.max_capacity == 6
      && aws_appautoscaling_target.worker.resource_id == "service/logferry-worker/logferry-worker"
      && aws_appautoscaling_target.worker.scalable_dimension == "ecs:service:DesiredCount"
    )
    error_message = "The service's desired count scales between min_tasks and max_tasks."
  }

  assert {
    condition = (
      one(aws_appautoscaling_policy.scaling["empty"].step_scaling_policy_configuration).adjustment_type == "ExactCapacity"
      && [for s in one(aws_appautoscaling_policy.scaling["empty"].step_scaling_policy_configuration).step_adjustment : s.scaling_adjustment] == [1]
    )
    error_message = "An empty queue sets the service to exactly min_tasks."
  }

  assert {
    condition     = toset([for s in one(aws_appautoscaling_policy.scaling["backlog"].step_scaling_policy_configuration).step_adjustment : s.scaling_adjustment]) == toset([1, 2, 4])
    error_message = "The backlog adds 1, 2 or 4 tasks by its size."
  }

  # Bounds are relative to the alarm's threshold of 1 visible message: +1
  # from 1, +2 from messages_per_task (100), +4 from 400.
  assert {
    condition = {
      for s in one(aws_appautoscaling_policy.scaling["backlog"].step_scaling_policy_configuration).step_adjustment :
      tostring(s.scaling_adjustment) => [s.metric_interval_lower_bound, coalesce(s.metric_interval_upper_bound, "none")]
    } == { "1" = ["0", "99"], "2" = ["99", "399"], "4" = ["399", "none"] }
    error_message = "The backlog's steps must start at 1, messages_per_task and 4 x messages_per_task visible messages."
  }

  assert {
    condition = output.scaling_alarm_names == {
      backlog = "logferry-worker-backlog", idle = "logferry-worker-idle", empty = "logferry-worker-empty"
    } && alltrue([for role, policy in aws_appautoscaling_policy.scaling : policy.name == "logferry-worker-${role}"])
    error_message = "Each alarm and the policy it drives are named <name>-<backlog|idle|empty>."
  }
}

run "service_is_private_fargate" {
  command = plan

  assert {
    condition = (
      aws_ecs_service.worker.launch_type == "FARGATE"
      && one(aws_ecs_service.worker.network_configuration).assign_public_ip == false
      && one(aws_ecs_service.worker.network_configuration).subnets == toset(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"])
      && one(aws_ecs_service.worker.network_configuration).security_groups == toset(["sg-0123456789abcdef0"])
      && aws_ecs_service.worker.cluster == "arn:aws:ecs:eu-west-1:111111111111:cluster/logferry-worker"
    )
    error_message = "The service runs on Fargate in the given subnets and security groups, without a public IP, in the cluster the module creates."
  }
}

run "an_existing_cluster_is_used_as_is" {
  command = plan

  variables {
    cluster_arn = "arn:aws:ecs:eu-west-1:111111111111:cluster/platform"
  }

  assert {
    condition = (
      length(aws_ecs_cluster.worker) == 0
      && aws_ecs_service.worker.cluster == "arn:aws:ecs:eu-west-1:111111111111:cluster/platform"
      && aws_appautoscaling_target.worker.resource_id == "service/platform/logferry-worker"
    )
    error_message = "With cluster_arn no cluster is created and the service scales in the given one."
  }
}

run "max_tasks_below_min_tasks_is_rejected" {
  command = plan

  variables {
    min_tasks = 3
    max_tasks = 2
  }

  expect_failures = [aws_appautoscaling_target.worker]
}
