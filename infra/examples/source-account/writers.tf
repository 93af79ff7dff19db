# Optional writers besides the shipper Lambda: `logferry worker` on Fargate
# (ecs_worker) polling the shipper's queue, and a Glue job (glue_writer_job)
# for backfills. Each runs as a writer_principal role of its own, with the
# shipper's archive permissions in this root's mode and the shipper's reads
# of the log buckets. Account B allows these roles only once its
# source_accounts entry for this account lists them in writer_principal_arns
# (output archive_writer_principal_arns): its bucket policy (direct) or this
# account's writer role trust (assume-role) names the shipper role alone by
# default.

locals {
  # One writer role per workload asked for, keyed by the <key>-writer of its
  # name; glue may also list the log buckets (it ships whole prefixes).
  writers = merge(
    var.ecs_worker == null ? {} : { ecs = { service = "ecs-tasks.amazonaws.com", lists_buckets = false } },
    var.glue_writer_job == null ? {} : { glue = { service = "glue.amazonaws.com", lists_buckets = true } },
  )

  # What the shipper reads (log_source): <bucket>/<prefix>* of every log
  # bucket, the whole bucket when "" is among its prefixes.
  writer_source_object_arns = flatten([
    for name in sort(keys(local.log_buckets)) : [
      for prefix in(contains(local.log_buckets[name].prefixes, "") ? [""] : distinct(local.log_buckets[name].prefixes)) :
      "arn:${data.aws_partition.current.partition}:s3:::${name}/${prefix}*"
    ]
  ])
  writer_source_bucket_arns  = [for name in sort(keys(local.log_buckets)) : "arn:${data.aws_partition.current.partition}:s3:::${name}"]
  writer_source_kms_key_arns = sort(distinct(compact([for bucket in values(local.log_buckets) : bucket.kms_key_arn])))

  # ecs_worker.takes_over_queue pauses the shipper's event source mapping
  # (log_source shipping_enabled), leaving the queue to the worker alone.
  shipper_consumes_queue = var.ecs_worker == null ? true : !var.ecs_worker.takes_over_queue
}

module "writer" {
  source   = "../../modules/writer_principal"
  for_each = local.writers

  role_name          = "${var.name_prefix}-${each.key}-writer"
  source_account_id  = var.source_account_id
  service_principals = [each.value.service]

  mode                 = var.mode
  archive_bucket_name  = var.archive_bucket_name
  archive_prefix       = var.archive_prefix
  archive_kms_key_arns = var.archive_kms_key_arn == null ? [] : [var.archive_kms_key_arn]
  writer_role_arn      = var.writer_role_arn

  source_object_arns  = local.writer_source_object_arns
  source_bucket_arns  = each.value.lists_buckets ? local.writer_source_bucket_arns : []
  source_kms_key_arns = local.writer_source_kms_key_arns
  tags                = var.tags
}

module "ecs_worker" {
  source = "../../modules/ecs_worker"
  count  = var.ecs_worker == null ? 0 : 1

  name              = "${var.name_prefix}-worker"
  source_account_id = var.source_account_id
  image             = var.ecs_worker.image
  task_role_arn     = module.writer["ecs"].role_arn
  queue_arn         = module.log_source.queue_arn

  mode                = var.mode
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  writer_role_arn     = var.writer_role_arn
  external_id         = var.external_id
  concurrency         = var.ecs_worker.concurrency

  cluster_arn        = var.ecs_worker.cluster_arn
  cpu                = var.ecs_worker.cpu
  memory             = var.ecs_worker.memory
  subnet_ids         = var.ecs_worker.subnet_ids
  security_group_ids = var.ecs_worker.security_group_ids
  min_tasks          = var.ecs_worker.min_tasks
  max_tasks          = var.ecs_worker.max_tasks
  log_retention_days = var.ecs_worker.log_retention_days
  tags               = var.tags
}

module "glue_writer_job" {
  source = "../../modules/glue_writer_job"
  count  = var.glue_writer_job == null ? 0 : 1

  name              = "${var.name_prefix}-ship"
  source_account_id = var.source_account_id
  role_arn          = module.writer["glue"].role_arn
  script_s3_uri     = var.glue_writer_job.script_s3_uri
  wheel_s3_uri      = var.glue_writer_job.wheel_s3_uri

  mode                = var.mode
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  writer_role_arn     = var.writer_role_arn
  external_id         = var.external_id
  concurrency         = var.glue_writer_job.concurrency

  max_capacity           = var.glue_writer_job.max_capacity
  timeout_minutes        = var.glue_writer_job.timeout_minutes
  max_concurrent_runs    = var.glue_writer_job.max_concurrent_runs
  security_configuration = var.glue_writer_job.security_configuration
  connections            = var.glue_writer_job.connections
  tags                   = var.tags
}
