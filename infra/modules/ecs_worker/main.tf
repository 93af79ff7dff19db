# `logferry worker` on Fargate (ARM64) in account A: a long-running SQS
# poller that ships the S3 objects named in the queue's notifications. The
# task runs as the caller's writer role (writer_principal with ecs trust);
# this module adds the queue to that role, runs the container non-root on a
# read-only root file system, logs to its own log group and scales the
# service on the queue's depth (scaling.tf).

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  policy_dir = "${path.module}/../../policies"

  # arn:<partition>:sqs:<region>:<account>:<name>
  queue_region  = split(":", var.queue_arn)[3]
  queue_account = split(":", var.queue_arn)[4]
  queue_name    = split(":", var.queue_arn)[5]
  # The worker only passes the URL as QueueUrl; the SDK's endpoint comes from
  # the task's region (checked against the queue's below).
  queue_url = "https://sqs.${local.queue_region}.${data.aws_partition.current.dns_suffix}/${local.queue_account}/${local.queue_name}"

  # arn:<partition>:iam::<account>:role/<path/><name>
  task_role_account = split(":", var.task_role_arn)[4]
  task_role_name    = reverse(split("/", var.task_role_arn))[0]

  # <account>.dkr.ecr.<region>.amazonaws.com/<repository>(:<tag>|@sha256:<digest>)
  image_parts = regex("^([0-9]{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([^:@]+)", var.image)
  ecr_repository_arn = format("arn:%s:ecr:%s:%s:repository/%s",
  data.aws_partition.current.partition, local.image_parts[1], local.image_parts[0], local.image_parts[2])

  create_cluster = var.cluster_arn == null
  cluster_arn    = local.create_cluster ? aws_ecs_cluster.worker[0].arn : var.cluster_arn
  cluster_name   = reverse(split("/", local.cluster_arn))[0]

  log_group_name = "/ecs/${var.name}"

  # The worker's settings, the same LOGFERRY_* variables as the shipper
  # Lambda's (log_source) plus the worker's own (crates/cli/src/worker.rs).
  environment = merge(
    {
      LOGFERRY_QUEUE_URL       = local.queue_url
      LOGFERRY_AUTH_MODE       = var.mode
      LOGFERRY_DEST_BUCKET     = var.archive_bucket_name
      LOGFERRY_DEST_PREFIX     = var.archive_prefix
      LOGFERRY_SOURCE_ACCOUNT  = var.source_account_id
      LOGFERRY_METRICS_SERVICE = var.name
      RUST_LOG                 = var.log_filter
    },
    # Never a placeholder: the task definition's precondition refuses
    # assume-role mode without both values.
    var.mode == "assume-role" ? {
      LOGFERRY_ROLE_ARN    = var.writer_role_arn
      LOGFERRY_EXTERNAL_ID = var.external_id
    } : {},
    var.key_template == null ? {} : { LOGFERRY_KEY_TEMPLATE = var.key_template },
    var.concurrency == null ? {} : { LOGFERRY_CONCURRENCY = tostring(var.concurrency) },
    var.visibility_timeout_seconds == null ? {} : { LOGFERRY_VISIBILITY_TIMEOUT = tostring(var.visibility_timeout_seconds) },
    var.settings,
  )

  container = {
    name      = "logferry"
    image     = var.image
    essential = true
    command   = ["worker"]
    # The image's own user (packaging/container/Containerfile), stated here
    # too so a task never runs as root whatever image it is given.
    user                   = "65532:65532"
    readonlyRootFilesystem = true
    # On SIGTERM the worker stops receiving, finishes the batch in flight and
    # exits 0; ECS sends SIGKILL after stopTimeout ("For tasks that use the
    # Fargate launch type, the max stop timeout value is 120 seconds", ECS API
    # Reference, ContainerDefinition).
    stopTimeout = var.stop_timeout_seconds
    environment = [for name in sort(keys(local.environment)) : { name = name, value = local.environment[name] }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.worker.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "worker"
      }
    }
  }
}

resource "aws_ecs_cluster" "worker" {
  count = local.create_cluster ? 1 : 0

  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "worker" {
  #checkov:skip=CKV_AWS_158:KMS is opt-in (log_kms_key_arn); the logs are operational (object keys, sizes, errors) and encrypted at rest by CloudWatch Logs, and a CMK needs a logs.<region> grant in its key policy.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# ---------------------------------------------------------------------------
# Execution role: what ECS itself needs to start the task (pull the image,
# create the log stream). The worker's own permissions are the task role's.
# ---------------------------------------------------------------------------

# ECS documents aws:SourceAccount for task roles (writer_principal sets it);
# for the execution role this module knows of no key the service is
# documented to send, and one it does not send would refuse every task start.
# iam:PassRole, which cannot pass a role to another account, is the fence.
resource "aws_iam_role" "execution" {
  name = "${var.name}-execution"
  assume_role_policy = templatefile("${local.policy_dir}/service-trust.json.tpl", {
    service_principals = ["ecs-tasks.amazonaws.com"]
  })
  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/ecr-pull.json.tpl", {
      ecr_repository_arns = [local.ecr_repository_arn]
    }),
    templatefile("${local.policy_dir}/lambda-log-write.json.tpl", {
      log_group_arn = aws_cloudwatch_log_group.worker.arn
    }),
  ]
}

resource "aws_iam_role_policy" "execution" {
  name   = "${var.name}-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# ---------------------------------------------------------------------------
# The task role is the caller's (writer_principal); the queue is added here.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "queue" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/shipper-queue-consume.json.tpl", { queue_arn = var.queue_arn }),
  ]
}

resource "aws_iam_role_policy" "queue" {
  count = var.attach_queue_policy ? 1 : 0

  name   = "${var.name}-queue"
  role   = local.task_role_name
  policy = data.aws_iam_policy_document.queue.json
}

resource "aws_ecs_task_definition" "worker" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = var.task_role_arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.task_role_account == var.source_account_id
      error_message = "task_role_arn must be a role of source_account_id (${var.source_account_id}): ECS passes it to the task with iam:PassRole, which stays within the account."
    }

    precondition {
      condition     = local.queue_account == var.source_account_id && local.queue_region == data.aws_region.current.name
      error_message = "queue_arn must be a queue of source_account_id in the provider's region (${data.aws_region.current.name}): the worker reaches SQS in its own region."
    }

    precondition {
      condition     = var.mode == "direct" || (var.writer_role_arn != null && var.external_id != null)
      error_message = "mode = \"assume-role\" needs writer_role_arn and external_id (LOGFERRY_ROLE_ARN and LOGFERRY_EXTERNAL_ID of the worker)."
    }
  }
}

resource "aws_ecs_service" "worker" {
  name             = var.name
  cluster          = local.cluster_arn
  task_definition  = aws_ecs_task_definition.worker.arn
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  desired_count    = var.min_tasks
  propagate_tags   = "SERVICE"

  # A queue worker has no load balancer or health check: the circuit breaker
  # rolls back a deployment whose tasks keep stopping (bad image, settings).
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  tags = var.tags

  lifecycle {
    # Application Auto Scaling owns the task count after the first apply.
    ignore_changes = [desired_count]
  }

  depends_on = [aws_iam_role_policy.execution, aws_iam_role_policy.queue]
}
