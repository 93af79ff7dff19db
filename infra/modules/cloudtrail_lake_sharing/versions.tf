terraform {
  required_version = ">= 1.5.0"

  required_providers {
    # The hashicorp/aws provider has no resource for CloudTrail resource-based
    # policies; Cloud Control (awscc) exposes AWS::CloudTrail::ResourcePolicy.
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.0.0, < 2.0.0"
    }
  }
}
