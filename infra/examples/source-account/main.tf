# One root per source account (A) and region. Applied after account B's root
# (examples/archive-account), from whose output source_root_tfvars it takes
# the archive inputs. It attaches to the log buckets that already exist: their
# new objects reach one queue through EventBridge, and one shipper Lambda
# copies them into this account's partition of the archive. Nothing on those
# buckets changes unless asked (eventbridge_notification_buckets); a new log
# bucket, and audited buckets logging into it, are created only with
# new_log_bucket. Optional writers besides the shipper (an ECS worker, a Glue
# job) are in writers.tf.

provider "aws" {
  region = var.region
  # Both null: the ambient credential chain (environment, SSO, OIDC in CI).
  profile             = var.profile
  allowed_account_ids = [var.source_account_id]

  dynamic "assume_role" {
    for_each = var.assume_role == null ? [] : [var.assume_role]

    content {
      role_arn     = assume_role.value.role_arn
      session_name = assume_role.value.session_name
      external_id  = assume_role.value.external_id
    }
  }

  default_tags {
    tags = var.tags
  }
}

data "aws_partition" "current" {}

locals {
  create_log_bucket = var.new_log_bucket != null

  # The shipper role account B expects (its bucket policy or writer role trust
  # names arn:aws:iam::<source account>:role/<name_prefix>-shipper).
  shipper_role_name = "${var.name_prefix}-shipper"

  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.root}/../../../target/lambda/shipper/bootstrap.zip")

  # The created log bucket is shipped like any other. Its name comes from the
  # module's output (known at plan), so log_source's rule and EventBridge
  # switch wait for the bucket to exist.
  created_log_buckets = local.create_log_bucket ? {
    (module.new_log_bucket[0].log_bucket_name) = {
      prefixes    = module.new_log_bucket[0].log_prefixes
      kms_key_arn = module.new_log_bucket[0].kms_key_arn
    }
  } : {}

  log_buckets = merge(var.log_buckets, local.created_log_buckets)

  # A bucket created here has no notification configuration of its own, so
  # EventBridge delivery is always turned on for it.
  eventbridge_notification_buckets = setunion(var.eventbridge_notification_buckets, keys(local.created_log_buckets))
}

# Optional: a new log bucket (and new audited buckets logging into it).
module "new_log_bucket" {
  source = "../../modules/access_log_bucket"
  count  = local.create_log_bucket ? 1 : 0

  source_account_id    = var.source_account_id
  log_bucket_name      = var.new_log_bucket.name
  log_prefix           = var.new_log_bucket.log_prefix
  audited_bucket_names = var.new_log_bucket.audited_bucket_names
  log_delivery_source_bucket_arns = [
    for name in sort(tolist(var.new_log_bucket.existing_audited_bucket_names)) : "arn:${data.aws_partition.current.partition}:s3:::${name}"
  ]
  log_bucket_policy_documents = var.new_log_bucket.policy_documents
  log_expiration_days         = var.new_log_bucket.log_expiration_days
  kms_enabled                 = var.new_log_bucket.kms_enabled
  force_destroy               = var.new_log_bucket.force_destroy
  tags                        = var.tags
}

module "log_source" {
  source = "../../modules/log_source"

  name_prefix       = var.name_prefix
  source_account_id = var.source_account_id
  shipper_role_name = local.shipper_role_name
  lambda_zip_path   = local.lambda_zip_path

  log_buckets                      = local.log_buckets
  eventbridge_notification_buckets = local.eventbridge_notification_buckets

  mode                = var.mode
  archive_bucket_name = var.archive_bucket_name
  archive_prefix      = var.archive_prefix
  archive_kms_key_arn = var.archive_kms_key_arn
  writer_role_arn     = var.writer_role_arn
  external_id         = var.external_id

  alarm_sns_topic_arns   = var.alarm_sns_topic_arns
  silence_alarm_hours    = var.silence_alarm_hours
  redrive_principal_arns = var.redrive_principal_arns
  batch_operations       = var.batch_operations
  shipping_enabled       = local.shipper_consumes_queue
  tags                   = var.tags
}

# Email subscriptions to the alarm topic log_source creates. Each address
# gets a confirmation mail from SNS and receives nothing until it confirms.
resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = module.log_source.alarm_topic_arn
  protocol  = "email"
  endpoint  = each.key
}

check "shipper_role_arn_is_what_the_archive_expects" {
  assert {
    condition     = module.log_source.shipper_role_arn == "arn:${data.aws_partition.current.partition}:iam::${var.source_account_id}:role/${local.shipper_role_name}"
    error_message = "The shipper role ARN differs from arn:aws:iam::<source_account_id>:role/<name_prefix>-shipper, the principal account B's root allows."
  }
}
