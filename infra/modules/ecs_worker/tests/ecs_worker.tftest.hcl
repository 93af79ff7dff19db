# ecs_worker, planned against a mocked AWS provider: the task definition
# (ARM64, non-root, read-only root, stopTimeout, the worker's settings, the
# task role, awslogs into its own group), the execution role's documents, the
# queue policy on the task role, and the validations and preconditions
# (service and scaling: scaling.tftest.hcl).

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

run "task_definition_runs_the_worker_on_arm64_as_non_root" {
  command = plan

  assert {
    condition = (
      one(aws_ecs_task_definition.worker.runtime_platform).cpu_architecture == "ARM64"
      && one(aws_ecs_task_definition.worker.runtime_platform).operating_system_family == "LINUX"
      && aws_ecs_task_definition.worker.requires_compatibilities == toset(["FARGATE"])
      && aws_ecs_task_definition.worker.network_mode == "awsvpc"
    )
    error_message = "The worker must run on Fargate, ARM64 Linux, in awsvpc mode."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].user == "65532:65532"
      && jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].readonlyRootFilesystem == true
      && jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].command == ["worker"]
      && jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].image == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:1.4.0"
    )
    error_message = "The container must run `worker` from the given image as 65532:65532 on a read-only root file system."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].stopTimeout == 30
    error_message = "stopTimeout defaults to 30 seconds."
  }

  assert {
    condition     = aws_ecs_task_definition.worker.task_role_arn == "arn:aws:iam::111111111111:role/logferry-ecs-writer"
    error_message = "The task must run as the caller's writer role (task_role_arn)."
  }

  assert {
    condition     = aws_ecs_task_definition.worker.task_role_arn != aws_ecs_task_definition.worker.execution_role_arn
    error_message = "The execution role is the module's own, never the writer role."
  }
}

run "environment_carries_the_worker_settings" {
  command = plan

  variables {
    concurrency                = 16
    visibility_timeout_seconds = 300
    settings                   = { LOGFERRY_PART_SIZE_MIB = "16" }
  }

  assert {
    condition = {
      for e in jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].environment : e.name => e.value
      } == {
      LOGFERRY_QUEUE_URL          = "https://sqs.eu-west-1.amazonaws.com/111111111111/logferry-shipper"
      LOGFERRY_AUTH_MODE          = "direct"
      LOGFERRY_DEST_BUCKET        = "acme-log-archive"
      LOGFERRY_DEST_PREFIX        = "prod/s3-access"
      LOGFERRY_SOURCE_ACCOUNT     = "111111111111"
      LOGFERRY_METRICS_SERVICE    = "logferry-worker"
      LOGFERRY_CONCURRENCY        = "16"
      LOGFERRY_VISIBILITY_TIMEOUT = "300"
      LOGFERRY_PART_SIZE_MIB      = "16"
      RUST_LOG                    = "info"
    }
    error_message = "Direct mode: exactly the worker's queue, archive and tuning settings, with the variable names it reads."
  }
}

run "assume_role_mode_adds_role_and_external_id" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer"
    external_id     = "logferry-3f9c2a7e-example"
  }

  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].environment : e.name => e.value }["LOGFERRY_ROLE_ARN"] == "arn:aws:iam::222222222222:role/logferry-archive-writer"
      && { for e in jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].environment : e.name => e.value }["LOGFERRY_EXTERNAL_ID"] == "logferry-3f9c2a7e-example"
      && { for e in jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].environment : e.name => e.value }["LOGFERRY_AUTH_MODE"] == "assume-role"
    )
    error_message = "Assume-role mode must hand the worker LOGFERRY_ROLE_ARN and LOGFERRY_EXTERNAL_ID."
  }
}

run "assume_role_mode_needs_role_and_external_id" {
  command = plan

  variables {
    mode = "assume-role"
  }

  expect_failures = [aws_ecs_task_definition.worker]
}

run "logs_go_to_the_workers_own_group" {
  command = plan

  variables {
    log_retention_days = 90
    log_kms_key_arn    = "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
  }

  assert {
    condition = jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].logConfiguration == {
      logDriver = "awslogs"
      options = {
        awslogs-group         = "/ecs/logferry-worker"
        awslogs-region        = "eu-west-1"
        awslogs-stream-prefix = "worker"
      }
    }
    error_message = "The container must log with awslogs into /ecs/<name> in the provider's region."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.worker.name == "/ecs/logferry-worker"
      && aws_cloudwatch_log_group.worker.retention_in_days == 90
      && aws_cloudwatch_log_group.worker.kms_key_id == "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    )
    error_message = "The log group takes log_retention_days and log_kms_key_arn."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.execution.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "WriteOwnLogGroup"
    ] == ["arn:aws:logs:eu-west-1:111111111111:log-group:/ecs/logferry-worker:*"]
    error_message = "The execution role may write to the worker's log group only."
  }
}

run "execution_role_pulls_only_the_images_repository" {
  command = plan

  variables {
    image = "222222222222.dkr.ecr.eu-central-1.amazonaws.com/platform/logferry@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.execution.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "PullWorkerImage"
    ] == [["arn:aws:ecr:eu-central-1:222222222222:repository/platform/logferry"]]
    error_message = "The execution role may pull from the image's repository only (its account, region and path)."
  }

  assert {
    condition     = jsondecode(aws_iam_role.execution.assume_role_policy).Statement[0].Principal.Service == ["ecs-tasks.amazonaws.com"]
    error_message = "Only ECS tasks may assume the execution role."
  }
}

run "queue_policy_goes_onto_the_task_role" {
  command = plan

  assert {
    condition     = aws_iam_role_policy.queue[0].role == "logferry-ecs-writer"
    error_message = "The queue policy must be attached to the task role, by name."
  }

  assert {
    condition = toset(flatten([for doc in data.aws_iam_policy_document.queue.source_policy_documents : [for s in jsondecode(doc).Statement : s.Sid]])) == toset([
      "ConsumeShipperQueue",
    ])
    error_message = "The task role gets the queue consume statement and nothing else."
  }

  assert {
    condition = [
      for s in flatten([for doc in data.aws_iam_policy_document.queue.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "ConsumeShipperQueue"
    ] == ["arn:aws:sqs:eu-west-1:111111111111:logferry-shipper"]
    error_message = "The task role may consume queue_arn only."
  }
}

run "stop_timeout_above_fargates_maximum_is_rejected" {
  command = plan

  variables {
    stop_timeout_seconds = 121
  }

  expect_failures = [var.stop_timeout_seconds]
}

run "stop_timeout_is_passed_through" {
  command = plan

  variables {
    stop_timeout_seconds = 120
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.worker.container_definitions)[0].stopTimeout == 120
    error_message = "stopTimeout must be stop_timeout_seconds."
  }
}

run "image_without_tag_or_digest_is_rejected" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry"
  }

  expect_failures = [var.image]
}

run "image_outside_ecr_is_rejected" {
  command = plan

  variables {
    image = "docker.io/library/logferry:latest"
  }

  expect_failures = [var.image]
}

run "task_role_of_another_account_is_rejected" {
  command = plan

  variables {
    task_role_arn = "arn:aws:iam::333333333333:role/logferry-ecs-writer"
  }

  expect_failures = [aws_ecs_task_definition.worker]
}

run "queue_of_another_region_is_rejected" {
  command = plan

  variables {
    queue_arn = "arn:aws:sqs:us-east-1:111111111111:logferry-shipper"
  }

  expect_failures = [aws_ecs_task_definition.worker]
}

run "settings_outside_the_tunable_set_are_rejected" {
  command = plan

  variables {
    settings = { LOGFERRY_DEST_BUCKET = "other-bucket" }
  }

  expect_failures = [var.settings]
}
