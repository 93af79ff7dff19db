# examples/source-account with ecs_worker and glue_writer_job, planned
# against a mocked provider: nothing without them; each runs as a
# writer_principal role of its own, reading what the shipper reads, in the
# root's mode; the worker polls the shipper's queue; the roles B must allow
# are one output; and the variables' checks.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
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

  # Alarm actions must be ARNs even in a plan.
  mock_resource "aws_appautoscaling_policy" {
    defaults = { arn = "arn:aws:autoscaling:eu-west-1:111111111111:scalingPolicy:0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b:resource/ecs/service/logferry-worker/logferry-worker:policyName/logferry-worker-backlog" }
  }
}

# The mocks give every role the shipper's ARN.
override_resource {
  target          = module.writer["ecs"].aws_iam_role.writer[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/logferry-ecs-writer", id = "logferry-ecs-writer", name = "logferry-ecs-writer" }
}

override_resource {
  target          = module.writer["glue"].aws_iam_role.writer[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/logferry-glue-writer", id = "logferry-glue-writer", name = "logferry-glue-writer" }
}

variables {
  region            = "eu-west-1"
  source_account_id = "111111111111"
  log_buckets = {
    "acme-prod-access-logs" = { prefixes = ["s3-access/"] }
    "acme-app-logs"         = { prefixes = ["", "alb/"], kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b" }
  }
  mode                = "direct"
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it (make package builds the real zip).
  lambda_zip_path = "main.tf"

  ecs_worker = {
    image              = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:0.1.0"
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
    security_group_ids = ["sg-0c3d4e5f60718293a"]
  }
  glue_writer_job = {
    script_s3_uri = "s3://acme-prod-logferry-artifacts/glue/ship_job.py"
    wheel_s3_uri  = "s3://acme-prod-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
  }
}

run "no_writers_without_ecs_worker_or_glue_writer_job" {
  command = plan

  variables {
    ecs_worker      = null
    glue_writer_job = null
  }

  assert {
    condition     = length(module.writer) == 0 && length(module.ecs_worker) == 0 && length(module.glue_writer_job) == 0
    error_message = "Neither a writer role, nor a worker, nor a job is created unless asked."
  }

  assert {
    condition = (
      output.archive_writer_principal_arns == ["arn:aws:iam::111111111111:role/logferry-shipper"]
      && output.ecs_worker_service_name == null && output.ecs_worker_task_role_arn == null
      && output.glue_writer_job_name == null && output.glue_writer_job_role_arn == null
    )
    error_message = "Without writers B needs to allow the shipper only, and the writers' outputs are null."
  }
}

run "each_writer_runs_as_a_role_of_its_own" {
  command = plan

  assert {
    condition = local.writers == tomap({
      ecs  = { service = "ecs-tasks.amazonaws.com", lists_buckets = false }
      glue = { service = "glue.amazonaws.com", lists_buckets = true }
    })
    error_message = "One writer role per workload, trusted by its service only; only the Glue job (whole prefixes) lists the log buckets."
  }

  assert {
    condition = (
      output.ecs_worker_task_role_arn == "arn:aws:iam::111111111111:role/logferry-ecs-writer"
      && output.glue_writer_job_role_arn == "arn:aws:iam::111111111111:role/logferry-glue-writer"
    )
    error_message = "The worker and the job run as <name_prefix>-ecs-writer and <name_prefix>-glue-writer."
  }

  assert {
    condition = output.archive_writer_principal_arns == [
      "arn:aws:iam::111111111111:role/logferry-shipper",
      "arn:aws:iam::111111111111:role/logferry-ecs-writer",
      "arn:aws:iam::111111111111:role/logferry-glue-writer",
    ]
    error_message = "B must allow the shipper and both writer roles (its source_accounts writer_principal_arns)."
  }

  # The shipper's reads: <bucket>/<prefix>* of each log bucket, the whole
  # bucket when "" is among its prefixes, and its key.
  assert {
    condition = (
      tolist(local.writer_source_object_arns) == tolist(["arn:aws:s3:::acme-app-logs/*", "arn:aws:s3:::acme-prod-access-logs/s3-access/*"])
      && tolist(local.writer_source_bucket_arns) == tolist(["arn:aws:s3:::acme-app-logs", "arn:aws:s3:::acme-prod-access-logs"])
      && local.writer_source_kms_key_arns == tolist(["arn:aws:kms:eu-west-1:111111111111:key/0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b"])
    )
    error_message = "The writers read what the shipper reads, and decrypt with the log buckets' keys."
  }
}

run "worker_polls_the_shippers_queue_beside_the_lambda" {
  command = plan

  assert {
    condition = (
      module.ecs_worker[0].queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/logferry-shipper"
      && output.ecs_worker_service_name == "logferry-worker"
      && output.ecs_worker_cluster_arn == "arn:aws:ecs:eu-west-1:111111111111:cluster/logferry-worker"
      && output.ecs_worker_task_definition_arn == "arn:aws:ecs:eu-west-1:111111111111:task-definition/logferry-worker:1"
      && output.ecs_worker_log_group_name == "/ecs/logferry-worker"
    )
    error_message = "The worker <name_prefix>-worker polls log_source's queue in a cluster of its own, logging to /ecs/<name_prefix>-worker."
  }

  assert {
    condition     = local.shipper_consumes_queue
    error_message = "By default the shipper Lambda keeps consuming the queue beside the worker."
  }

  assert {
    condition     = keys(module.ecs_worker[0].scaling_alarm_names) == ["backlog", "empty", "idle"]
    error_message = "The worker scales on the queue's depth."
  }
}

run "worker_may_take_over_the_queue" {
  command = plan

  variables {
    ecs_worker = {
      image              = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry@sha256:0b7f3a521c2d4e5f8a9b0c1d2e3f4a5b0b7f3a521c2d4e5f8a9b0c1d2e3f4a5b"
      subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0c3d4e5f60718293a"]
      cluster_arn        = "arn:aws:ecs:eu-west-1:111111111111:cluster/platform"
      takes_over_queue   = true
    }
    silence_alarm_hours = null
  }

  assert {
    condition     = !local.shipper_consumes_queue && output.ecs_worker_cluster_arn == "arn:aws:ecs:eu-west-1:111111111111:cluster/platform"
    error_message = "takes_over_queue pauses the shipper's event source mapping; cluster_arn is used as is."
  }
}

run "taking_over_the_queue_needs_the_silence_alarm_off" {
  command = plan

  variables {
    ecs_worker = {
      image              = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:0.1.0"
      subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0c3d4e5f60718293a"]
      takes_over_queue   = true
    }
  }

  expect_failures = [var.ecs_worker]
}

run "glue_job_ships_with_the_wheel_as_the_glue_writer" {
  command = plan

  assert {
    condition = (
      output.glue_writer_job_name == "logferry-ship"
      && module.glue_writer_job[0].default_arguments["--extra-py-files"] == "s3://acme-prod-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
      && module.glue_writer_job[0].default_arguments["--logferry-auth-mode"] == "direct"
      && module.glue_writer_job[0].default_arguments["--logferry-archive-bucket"] == "acme-log-archive"
      && module.glue_writer_job[0].default_arguments["--logferry-archive-prefix"] == "prod/s3-access"
      && module.glue_writer_job[0].default_arguments["--logferry-source-account"] == "111111111111"
      && !contains(keys(module.glue_writer_job[0].default_arguments), "--logferry-role-arn")
    )
    error_message = "The job <name_prefix>-ship installs the wheel and ships into this account's partition, directly."
  }
}

run "assume_role_mode_reaches_both_writers" {
  command = plan

  variables {
    mode            = "assume-role"
    writer_role_arn = "arn:aws:iam::222222222222:role/logferry-archive-writer-111111111111"
    external_id     = "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
  }

  assert {
    condition = (
      module.glue_writer_job[0].default_arguments["--logferry-auth-mode"] == "assume-role"
      && module.glue_writer_job[0].default_arguments["--logferry-role-arn"] == "arn:aws:iam::222222222222:role/logferry-archive-writer-111111111111"
      && module.glue_writer_job[0].default_arguments["--logferry-external-id"] == "3b8f0c9e-5d7a-4c1e-9f2b-6a4d8e1c7b05"
    )
    error_message = "In assume-role mode the job assumes B's writer role with the external id."
  }

  assert {
    condition     = length(output.archive_writer_principal_arns) == 3
    error_message = "B's writer role for this account must trust the shipper and both writer roles."
  }
}

run "a_created_log_bucket_is_read_by_the_writers_too" {
  command = plan

  variables {
    log_buckets    = {}
    new_log_bucket = { name = "acme-dev-access-logs" }
  }

  assert {
    condition = (
      tolist(local.writer_source_object_arns) == tolist(["arn:aws:s3:::acme-dev-access-logs/s3-access/*"])
      && tolist(local.writer_source_bucket_arns) == tolist(["arn:aws:s3:::acme-dev-access-logs"])
      && length(local.writer_source_kms_key_arns) == 0
    )
    error_message = "The writers read the log bucket created here under its log prefix."
  }
}

run "worker_subnets_must_be_subnet_ids" {
  command = plan

  variables {
    ecs_worker = {
      image              = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:0.1.0"
      subnet_ids         = ["private-a"]
      security_group_ids = ["sg-0c3d4e5f60718293a"]
    }
  }

  expect_failures = [var.ecs_worker]
}

run "worker_needs_a_security_group" {
  command = plan

  variables {
    ecs_worker = {
      image              = "111111111111.dkr.ecr.eu-west-1.amazonaws.com/logferry:0.1.0"
      subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = []
    }
  }

  expect_failures = [var.ecs_worker]
}

run "worker_name_must_fit_the_naming_rule" {
  command = plan

  variables {
    name_prefix = "acme-logferry-production-eu-1"
  }

  # The shipper role the mocks name is logferry-shipper.
  override_resource {
    target          = module.log_source.aws_iam_role.shipper
    override_during = plan
    values          = { arn = "arn:aws:iam::111111111111:role/acme-logferry-production-eu-1-shipper", id = "acme-logferry-production-eu-1-shipper" }
  }

  expect_failures = [var.ecs_worker, var.glue_writer_job]
}

run "glue_wheel_must_be_a_wheel_on_s3" {
  command = plan

  variables {
    glue_writer_job = {
      script_s3_uri = "s3://acme-prod-logferry-artifacts/glue/ship_job.py"
      wheel_s3_uri  = "https://acme-prod-logferry-artifacts.s3.amazonaws.com/logferry-0.1.0.tar.gz"
    }
  }

  expect_failures = [var.glue_writer_job]
}

run "glue_script_must_be_python" {
  command = plan

  variables {
    glue_writer_job = {
      script_s3_uri = "s3://acme-prod-logferry-artifacts/glue/ship_job.sh"
      wheel_s3_uri  = "s3://acme-prod-logferry-artifacts/wheels/logferry-0.1.0-cp39-abi3-manylinux_2_28_x86_64.whl"
    }
  }

  expect_failures = [var.glue_writer_job]
}
