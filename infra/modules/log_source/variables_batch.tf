# ---------------------------------------------------------------------------
# Backfill: S3 Batch Operations (batch_operations.tf)
# ---------------------------------------------------------------------------

variable "batch_operations" {
  type = object({
    manifest_bucket_arn = string
    manifest_prefix     = string
    report_bucket_arn   = string
    report_prefix       = string
  })
  description = <<-EOT
    Opt-in: the role <name_prefix>-batch-operations that S3 Batch Operations jobs of this account assume to backfill
    objects the events never saw, by invoking the shipper on every object of a manifest (LambdaInvoke). It may invoke
    the shipper function, read manifests under <manifest_bucket_arn>/<manifest_prefix>/ (a CSV manifest, or an S3
    Inventory report: its manifest.json and data files) and write completion reports under
    <report_bucket_arn>/<report_prefix>/ (S3 writes them to <prefix>/job-<job id>/); nothing else. The prefixes have
    no leading or trailing slash; pass report_prefix unchanged as the job's Report.Prefix. null (default): no role.
  EOT
  default     = null

  validation {
    condition = var.batch_operations == null || try(
      can(regex(local.names.bucket_arn.regex, var.batch_operations.manifest_bucket_arn))
      && can(regex(local.names.bucket_arn.regex, var.batch_operations.report_bucket_arn)),
      false,
    )
    error_message = "batch_operations.manifest_bucket_arn and report_bucket_arn must each be ${local.names.bucket_arn.rule}."
  }

  validation {
    condition = var.batch_operations == null || try(
      can(regex(local.names.prefix.regex, var.batch_operations.manifest_prefix))
      && can(regex(local.names.prefix.regex, var.batch_operations.report_prefix)),
      false,
    )
    error_message = "batch_operations.manifest_prefix and report_prefix must each be ${local.names.prefix.rule}."
  }
}
