terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }

  # Keep state remote and locked in real use, e.g.:
  # backend "s3" {
  #   bucket       = "acme-terraform-state"
  #   key          = "logferry/archive-account.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}
