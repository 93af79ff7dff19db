# A Glue Python shell job (Python 3.9) in account A that ships given S3
# objects or prefixes into the archive with the logferry Python package:
# script/ship_job.py (or a script of your own) calls logferry.ship(uris, ...).
# The job runs as the caller's writer role (writer_principal with glue trust);
# this module adds to it what a job run needs besides the archive: reading
# the script and the wheel, and writing Glue's Python shell logs.

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  policy_dir = "${path.module}/../../policies"

  # arn:<partition>:iam::<account>:role/<path/><name>
  role_account = split(":", var.role_arn)[4]
  role_name    = reverse(split("/", var.role_arn))[0]

  # s3://<bucket>/<key> -> arn:<partition>:s3:::<bucket>/<key>
  artifact_object_arns = [
    for uri in [var.script_s3_uri, var.wheel_s3_uri] :
    "arn:${data.aws_partition.current.partition}:s3:::${trimprefix(uri, "s3://")}"
  ]

  # "The CloudWatch Logs group for Python shell jobs output is
  # /aws-glue/python-jobs/output ... For errors, see the log group
  # /aws-glue/python-jobs/error" (Glue Developer Guide, Python shell jobs).
  glue_log_group_arns = [
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${var.source_account_id}:log-group:/aws-glue/python-jobs/*",
  ]

  # The job's own settings: `--logferry-<keyword>` for each keyword argument
  # of logferry.ship() (script/ship_job.py reads them back), `_` written `-`.
  logferry_arguments = merge(
    {
      "--logferry-archive-bucket" = var.archive_bucket_name
      "--logferry-archive-prefix" = var.archive_prefix
      "--logferry-auth-mode"      = var.mode
      "--logferry-source-account" = var.source_account_id
    },
    var.mode == "assume-role" ? {
      "--logferry-role-arn"    = var.writer_role_arn
      "--logferry-external-id" = var.external_id
    } : {},
    var.key_template == null ? {} : { "--logferry-key-template" = var.key_template },
    var.concurrency == null ? {} : { "--logferry-concurrency" = tostring(var.concurrency) },
    length(var.uris) == 0 ? {} : { "--logferry-uris" = join(",", var.uris) },
  )

  # Glue's own parameters. The wheel goes through --extra-py-files: for
  # Python shell jobs --additional-python-modules installs from a package
  # index only ("You cannot provide custom Python modules hosted on Amazon S3
  # with this parameter when using Python shell jobs"), while .whl files on S3
  # are given "under the --extra-py-files flag" (Glue Developer Guide,
  # Python shell jobs, Providing your own Python library).
  glue_arguments = merge(
    {
      "--extra-py-files" = var.wheel_s3_uri
      "library-set"      = var.library_set
    },
    length(var.additional_python_modules) == 0 ? {} : {
      "--additional-python-modules" = join(",", var.additional_python_modules)
    },
  )
}

data "aws_iam_policy_document" "job" {
  source_policy_documents = [
    templatefile("${local.policy_dir}/job-artifact-read.json.tpl", {
      job_artifact_object_arns = local.artifact_object_arns
    }),
    templatefile("${local.policy_dir}/glue-job-logs.json.tpl", {
      glue_log_group_arns = local.glue_log_group_arns
    }),
  ]
}

resource "aws_iam_role_policy" "job" {
  count = var.attach_job_policy ? 1 : 0

  name   = "${var.name}-job"
  role   = local.role_name
  policy = data.aws_iam_policy_document.job.json
}

resource "aws_glue_job" "ship" {
  name                   = var.name
  description            = "logferry: ship S3 log objects into the archive (logferry.ship)"
  role_arn               = var.role_arn
  max_capacity           = var.max_capacity
  timeout                = var.timeout_minutes
  max_retries            = 0
  security_configuration = var.security_configuration
  connections            = var.connections
  # "You don't need to specify the version of AWS Glue since the parameter
  # --glue-version doesn't apply for AWS Glue shell jobs" (Glue Developer
  # Guide): glue_version stays unset.

  command {
    name            = "pythonshell"
    python_version  = "3.9"
    script_location = var.script_s3_uri
  }

  default_arguments = merge(local.glue_arguments, local.logferry_arguments)

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.role_account == var.source_account_id
      error_message = "role_arn must be a role of source_account_id (${var.source_account_id}): Glue takes it with iam:PassRole, which stays within the account."
    }

    precondition {
      condition     = var.mode == "direct" || (var.writer_role_arn != null && var.external_id != null)
      error_message = "mode = \"assume-role\" needs writer_role_arn and external_id (--logferry-role-arn and --logferry-external-id of the job)."
    }
  }

  depends_on = [aws_iam_role_policy.job]
}
