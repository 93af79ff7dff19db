output "resource_policy_json" {
  description = "The policy attached to the event data store."
  value       = awscc_cloudtrail_resource_policy.event_data_store.resource_policy
}

output "query_principal_arns" {
  description = "Principals the policy allows to query."
  value       = local.query_principal_arns
}
