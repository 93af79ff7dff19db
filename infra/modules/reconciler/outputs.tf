output "role_arn" {
  description = "ARN of the role logferry reconcile assumes (<name_prefix>-reconcile); the principal of source_bucket_policy_json."
  value       = aws_iam_role.reconcile.arn
}

output "role_name" {
  description = "Name of the reconcile role."
  value       = aws_iam_role.reconcile.name
}

output "source_bucket_policy_json" {
  description = "By source log bucket ARN: the policy document account A merges into that bucket's policy (source_policy_documents) so the reconcile role may list its key_prefix and locate the bucket (infra/policies/source-bucket-reconcile-list.json.tpl)."
  value = {
    for arn, b in local.source_log_buckets : arn => templatefile("${local.policy_dir}/source-bucket-reconcile-list.json.tpl", {
      reconcile_principal_arns = [aws_iam_role.reconcile.arn]
      log_bucket_arn           = arn
      log_key_prefix           = b.key_prefix
    })
  }
}

output "policy_json" {
  description = "The role's inline policies as rendered, by name (archive, list-<bucket>, inventory, etags), for review."
  value = merge(
    { archive = local.archive_list_policy },
    { for arn, doc in local.source_list_policies : "list-${split(":::", arn)[1]}" => doc },
    local.inventory_read_policy == null ? {} : { inventory = local.inventory_read_policy },
    local.etags_policy == null ? {} : { etags = local.etags_policy },
  )
}
