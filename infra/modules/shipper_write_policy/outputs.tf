output "policy_documents" {
  description = "Policy documents (JSON) granting the archive write for the mode, to merge with source_policy_documents. Empty while configuration_errors is not."
  value       = local.policy_documents
}

output "configuration_errors" {
  description = "Why the inputs cannot produce a write policy; empty when they can. Callers must fail the plan on a non-empty list (a precondition on the object that consumes policy_documents)."
  value       = local.configuration_errors
}
