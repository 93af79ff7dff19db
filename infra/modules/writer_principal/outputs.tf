output "role_arn" {
  description = "ARN of the writer role (null when create_role is false). Add it to the archive's writer_principal_arns (direct) or shipper_principal_arns (assume-role)."
  value       = one(aws_iam_role.writer[*].arn)
}

output "role_name" {
  description = "Name of the writer role (null when create_role is false)."
  value       = one(aws_iam_role.writer[*].name)
}

output "policy_json" {
  description = "The rendered permissions policy shared by the role and the permission set."
  value       = data.aws_iam_policy_document.writer.json
}

output "permission_set_arn" {
  description = "ARN of the Identity Center permission set, or null when not created."
  value       = one(aws_ssoadmin_permission_set.writer[*].arn)
}
