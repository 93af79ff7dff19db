# The role S3 Batch Operations assumes to backfill: a job with the
# LambdaInvoke operation calls the shipper once per object of a manifest
# ("When the batch job starts, Amazon S3 invokes the Lambda function
# synchronously for each object in the manifest", Lambda Developer Guide,
# S3 batch events). The shipper copies with its own role, so this one only
# needs to invoke it, read the manifest and write the completion report:
#
#   - "Regardless of the operation, Amazon S3 needs permissions to read your
#     manifest object from your S3 bucket and optionally write a report to
#     your bucket" and "For Amazon S3 inventory report manifests, S3 Batch
#     Operations require permission to read the manifest.json object and all
#     associated CSV data files" (S3 User Guide, Granting permissions for
#     Batch Operations): s3:GetObject and s3:GetObjectVersion under the
#     manifest prefix, s3:PutObject under the report prefix, and
#     s3:GetBucketLocation on the report bucket, which that page's example
#     policies grant beside the report's s3:PutObject (they list it beside
#     the manifest reads too; this role has the manifest reads only).
#   - "Amazon S3 stores the job-completion report at
#     <prefix>/job-<job-id>/report.json" (S3 API Reference, JobReport), so
#     the report grant is <report prefix>/job-*.
#   - "S3 Batch Operations support unqualified Amazon Resource Names (ARNs),
#     aliases, and specific versions" (S3 User Guide, Invoke AWS Lambda
#     function), and an IAM resource ARN matches only the ARN it names
#     (function, function:version, function:alias: Lambda Developer Guide,
#     Resources and conditions for Lambda actions): lambda:InvokeFunction on
#     the shipper's ARN and on <ARN>:*, its $LATEST, versions and aliases, no
#     other function.
#
# Trust: batchoperations.s3.amazonaws.com only, exactly as S3 documents it
# ("To allow the S3 Batch Operations service principal to assume the IAM
# role, attach the following trust policy": no condition; S3 User Guide,
# Granting permissions for Batch Operations). No confused-deputy key is
# documented for Batch Operations: aws:SourceAccount is in the request only
# when the calling service sets it, and a StringEquals on a key that is
# absent fails, so a conditioned trust could fail every job, which nothing
# short of a real job would show. The fence is iam:PassRole instead: only a
# principal of this account allowed to pass this role can name it in a job
# (CreateJob), and a role can be passed only within its own account.

locals {
  create_batch_operations_role = var.batch_operations != null

  batch_operations_policy = local.create_batch_operations_role ? templatefile("${local.policy_dir}/batch-operations.json.tpl", {
    function_arn        = aws_lambda_function.shipper.arn
    manifest_bucket_arn = var.batch_operations.manifest_bucket_arn
    manifest_prefix     = var.batch_operations.manifest_prefix
    report_bucket_arn   = var.batch_operations.report_bucket_arn
    report_prefix       = var.batch_operations.report_prefix
  }) : null
}

resource "aws_iam_role" "batch_operations" {
  count = local.create_batch_operations_role ? 1 : 0

  name               = "${var.name_prefix}-batch-operations"
  description        = "logferry backfill: S3 Batch Operations jobs invoke ${local.function_name} on each manifest object"
  assume_role_policy = templatefile("${local.policy_dir}/batch-operations-trust.json.tpl", {})
  tags               = var.tags
}

resource "aws_iam_role_policy" "batch_operations" {
  count = local.create_batch_operations_role ? 1 : 0

  name   = "${var.name_prefix}-batch-operations"
  role   = aws_iam_role.batch_operations[0].id
  policy = local.batch_operations_policy
}
