output "archive_bucket_name" {
  description = "Name of the archive bucket."
  value       = aws_s3_bucket.archive.bucket
}

output "archive_bucket_arn" {
  description = "ARN of the archive bucket."
  value       = aws_s3_bucket.archive.arn
}

output "archive_prefix" {
  description = "Key prefix writers are confined to (no trailing slash)."
  value       = var.archive_prefix
}

output "query_prefix" {
  description = "Prefix of the compactor's query copies the key policy grants cover (no trailing slash)."
  value       = local.query_prefix
}

output "writer_role_arns" {
  description = "ARN of each assume-role account's writer role, by source account id (assume-role accounts only)."
  value       = local.writer_role_arns
}

output "source_account_settings" {
  description = "Everything a source account's root needs, by source account id: mode, archive_bucket_name, archive_prefix (the archive's; the account writes under <archive_prefix>/<its id>/), archive_kms_key_arn (null with SSE-S3), writer_role_arn and external_id (both null for direct accounts)."
  value = {
    for id, a in local.source_accounts : id => {
      mode                = a.mode
      archive_bucket_name = aws_s3_bucket.archive.bucket
      archive_prefix      = var.archive_prefix
      archive_kms_key_arn = local.kms_key_arn
      writer_role_arn     = a.mode == "assume-role" ? aws_iam_role.writer[id].arn : null
      external_id         = a.mode == "assume-role" ? a.external_id : null
    }
  }
}

output "partition_values" {
  description = "The Athena partition values source_accounts implies, sorted and deduplicated: account_ids (its keys), regions (union of each account's regions, the archive's region where null) and audited_bucket_names (union). Feed them to athena_archive's source_account_ids, source_regions and source_bucket_names."
  value = {
    account_ids          = sort(keys(var.source_accounts))
    regions              = sort(distinct(flatten([for a in values(var.source_accounts) : a.regions != null ? a.regions : [data.aws_region.current.name]])))
    audited_bucket_names = sort(distinct(flatten([for a in values(var.source_accounts) : a.audited_bucket_names != null ? a.audited_bucket_names : []])))
  }
}

output "kms_key_arn" {
  description = "ARN of the archive KMS key, or null with kms_enabled = false. Give writers in account A this ARN, never the alias: an alias resolves in the caller's own account."
  value       = local.kms_key_arn
}

output "kms_key_alias" {
  description = "Alias of the archive KMS key (usable from account B only), or null with kms_enabled = false."
  value       = var.kms_enabled ? aws_kms_alias.archive[0].name : null
}

output "object_lock" {
  description = "The default Object Lock retention of new versions ({ mode, days }), or null without a lock."
  value       = var.object_lock
}

output "break_glass_role_arn" {
  description = "The break-glass role: may change the bucket's protections and remove locked (GOVERNANCE) versions; assumed with MFA, every use alarmed."
  value       = aws_iam_role.break_glass.arn
}

output "key_admin_role_arn" {
  description = "The role that administers the archive key (with key_admin_principal_arns), or null with kms_enabled = false."
  value       = one(aws_iam_role.key_admin[*].arn)
}

output "protection_rule_names" {
  description = "EventBridge rules alarming on changes to the bucket's protections (bucket) and to the key (key, with kms_enabled), by what they watch."
  value       = { for name, rule in aws_cloudwatch_event_rule.protection : name => rule.name }
}

output "alarm_topic_arn" {
  description = "The topic made for the protection alarms (subscribe to it), or null when alarm_sns_topic_arns was given."
  value       = module.alarm_topic.topic_arn
}

output "alarm_sns_topic_arns" {
  description = "What the protection alarms notify: alarm_sns_topic_arns, or [alarm_topic_arn]."
  value       = module.alarm_topic.topic_arns
}

output "organization_guard_policy" {
  description = "A resource control policy (archive-organization-guard-rcp.json.tpl, rendered) for the management account to attach to account B: it holds the same denies against B's root user. Not applied here."
  value       = local.organization_guard_policy
}
