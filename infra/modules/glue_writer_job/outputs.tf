output "job_name" {
  description = "Name of the Glue job (aws glue start-job-run --job-name)."
  value       = aws_glue_job.ship.name
}

output "job_arn" {
  description = "ARN of the Glue job."
  value       = aws_glue_job.ship.arn
}

output "default_arguments" {
  description = "The job's default arguments: Glue's (--extra-py-files, library-set, --additional-python-modules) and logferry's (--logferry-<keyword>), each overridable per run."
  value       = aws_glue_job.ship.default_arguments
}

output "job_policy_json" {
  description = "The artifact-read and log-write permissions attached to role_arn (or to attach yourself when attach_job_policy is false)."
  value       = data.aws_iam_policy_document.job.json
}
