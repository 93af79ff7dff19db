# Optional: the role `logferry reconcile` runs as (modules/reconciler),
# created when reconcile_trusted_principal_arns names someone. It lists the
# archive under archive_prefix/ and the source log buckets of
# reconcile_source_log_buckets; each of those buckets' policies, in its own
# account, must merge its entry of reconcile_log_bucket_policy_json.
module "reconciler" {
  source = "../../modules/reconciler"
  count  = length(var.reconcile_trusted_principal_arns) > 0 ? 1 : 0

  name_prefix            = var.name_prefix
  trusted_principal_arns = var.reconcile_trusted_principal_arns
  archive_bucket_name    = var.archive_bucket_name
  archive_prefix         = var.archive_prefix
  source_log_buckets     = var.reconcile_source_log_buckets
  inventory_arns         = var.reconcile_inventory_arns
  compare_etags          = var.reconcile_compare_etags
  tags                   = var.tags
}
