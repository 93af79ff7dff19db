terraform {
  # 1.9: the assume-role checks of writer_role_arn and external_id refer to
  # var.mode (validation across variables).
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }

  # Keep state remote and locked in real use, one state per source account and
  # region, e.g.:
  # backend "s3" {
  #   bucket       = "acme-terraform-state"
  #   key          = "logferry/source/111111111111/eu-west-1.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}
