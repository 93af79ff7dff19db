# Glue table over S3 server access log objects laid out as
#   <location_prefix><account>/<region>/<bucket>/<yyyy>/<MM>/<dd>/<file>
# which is S3's own date-based (partitioned) log object key format below the
# DestinationPrefix (the logged bucket and the event day) and, since the
# shipper writes S3's layout under the archive prefix, also the archive's
# layout. The partition path is derived from infra/layout/archive-key-template.txt,
# the same file the Rust writer compiles in, so the two cannot drift. Used by
# athena_archive and athena_direct, so the schema and the regex exist once;
# `source_bucket` means the audited (logged) bucket in both.

locals {
  # One copy of each, also read by infra/checks/athena_regex_test.sh.
  input_regex = trimspace(file("${path.module}/s3_access_log.regex"))
  columns     = jsondecode(file("${path.module}/s3_access_log_columns.json"))

  table_ref = "\"${var.database_name}\".\"${var.table_name}\""

  # The archive's destination key template, shared with the Rust writer
  # (include_str!): {prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}.
  # Without the leading {prefix}/ (location_prefix stands for it) and the
  # trailing {key} (Athena reads everything below the partition "folder"),
  # its placeholders map onto the partition columns.
  archive_key_template = chomp(file("${path.module}/../../layout/archive-key-template.txt"))
  partition_path = replace(replace(replace(replace(
    trimsuffix(trimprefix(local.archive_key_template, "{prefix}/"), "{key}"),
    "{account}", "$${account}"),
    "{region}", "$${region}"),
    "{bucket}", "$${source_bucket}"),
  "{yyyy}/{MM}/{dd}", "$${dt}")
  storage_location_template = "${var.location_prefix}${local.partition_path}"

  # Athena partition projection. "Use the enum type for partition columns whose
  # values are members of an enumerated set (for example, airport codes or AWS
  # Regions)." (Athena user guide, "Supported types for partition projection").
  # enum rather than injected: an injected column only works when every query
  # pins it to literal values in its WHERE clause, which would break the saved
  # queries below and every "across all accounts/buckets" question an auditor
  # asks. The same page: "we recommend limiting the use of enum based
  # partition projections to a few dozen or less", and "the total size of
  # your table's metadata cannot exceed the AWS Glue limit of about 1 MB when
  # gzip compressed"; see the check below and the README. Sorted and
  # deduplicated, so the order callers list them in changes nothing.
  enum_values = {
    account       = sort(distinct(var.source_account_ids))
    region        = sort(distinct(var.source_regions))
    source_bucket = sort(distinct(var.source_bucket_names))
  }
  projection_parameters = {
    "projection.enabled"              = "true"
    "projection.account.type"         = "enum"
    "projection.account.values"       = join(",", local.enum_values.account)
    "projection.region.type"          = "enum"
    "projection.region.values"        = join(",", local.enum_values.region)
    "projection.source_bucket.type"   = "enum"
    "projection.source_bucket.values" = join(",", local.enum_values.source_bucket)
    "projection.dt.type"              = "date"
    "projection.dt.format"            = "yyyy/MM/dd"
    "projection.dt.range"             = "${var.projection_start_date},NOW"
    "projection.dt.interval"          = "1"
    "projection.dt.interval.unit"     = "DAYS"
    # "Athena reads all data stored in the Amazon S3 folder that you specify"
    # (Athena user guide, table location): sub-"folders" included, so an
    # archived object's key after <dd>/ may contain slashes (fallback layout).
    "storage.location.template" = local.storage_location_template
  }

  # Last N days, as the dt partition value; keeps the saved queries from
  # scanning the whole archive.
  recent_days = "dt >= date_format(current_timestamp - interval '${var.saved_query_days}' day, '%Y/%m/%d')"

  saved_queries = {
    top_requesters = {
      description = "Requesters ranked by request count over the last ${var.saved_query_days} days, with bytes sent and error count."
      query       = <<-SQL
        SELECT requester,
               count(*) AS requests,
               count_if(error_code <> '-') AS errors,
               sum(coalesce(bytes_sent, 0)) AS bytes_sent,
               array_agg(DISTINCT bucket) AS buckets
        FROM ${local.table_ref}
        WHERE ${local.recent_days}
        GROUP BY requester
        ORDER BY requests DESC
        LIMIT 100
      SQL
    }
    errors_by_code = {
      description = "Failed requests by S3 error code and HTTP status over the last ${var.saved_query_days} days."
      query       = <<-SQL
        SELECT error_code,
               http_status,
               count(*) AS requests,
               count(DISTINCT requester) AS requesters,
               min(parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_seen
        FROM ${local.table_ref}
        WHERE ${local.recent_days}
          AND (error_code <> '-' OR http_status >= 400)
        GROUP BY error_code, http_status
        ORDER BY requests DESC
      SQL
    }
    deletes = {
      description = "Every delete over the last ${var.saved_query_days} days: REST deletes, multi-object deletes, batch deletes and lifecycle expirations."
      query       = <<-SQL
        SELECT parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z') AS request_time,
               bucket,
               requester,
               remote_ip,
               operation,
               key,
               version_id,
               http_status,
               error_code,
               user_agent
        FROM ${local.table_ref}
        WHERE ${local.recent_days}
          AND (operation LIKE 'REST.DELETE.%'
               OR operation = 'REST.POST.MULTI_OBJECT_DELETE'
               OR operation = 'BATCH.DELETE.OBJECT'
               OR operation LIKE 'S3.EXPIRE.%'
               OR operation = 'S3.CREATE.DELETEMARKER')
        ORDER BY request_time DESC
      SQL
    }
    access_denied = {
      description = "Requests refused with HTTP 403 or AccessDenied over the last ${var.saved_query_days} days, grouped by who, where from and what."
      query       = <<-SQL
        SELECT requester,
               remote_ip,
               bucket,
               operation,
               error_code,
               count(*) AS requests,
               min(parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_seen,
               max(parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS last_seen
        FROM ${local.table_ref}
        WHERE ${local.recent_days}
          AND (http_status = 403 OR error_code = 'AccessDenied')
        GROUP BY requester, remote_ip, bucket, operation, error_code
        ORDER BY requests DESC
      SQL
    }
    bytes_by_bucket_and_day = {
      description = "Requests and bytes sent per accessed bucket per request day over the last ${var.saved_query_days} days."
      query       = <<-SQL
        SELECT date(parse_datetime(request_datetime, 'dd/MMM/yyyy:HH:mm:ss Z')) AS request_day,
               bucket,
               count(*) AS requests,
               sum(coalesce(bytes_sent, 0)) AS bytes_sent,
               count_if(operation LIKE 'REST.GET.%') AS gets,
               count_if(operation LIKE 'REST.PUT.%') AS puts
        FROM ${local.table_ref}
        WHERE ${local.recent_days}
        GROUP BY 1, bucket
        ORDER BY request_day DESC, bytes_sent DESC
      SQL
    }
  }
}

resource "aws_glue_catalog_table" "access_logs" {
  name          = var.table_name
  database_name = var.database_name
  description   = var.table_description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(local.projection_parameters, {
    EXTERNAL       = "TRUE"
    classification = "s3-server-access-logs"
  })

  partition_keys {
    name    = "account"
    type    = "string"
    comment = "AWS account id from the object key (account A)"
  }
  partition_keys {
    name    = "region"
    type    = "string"
    comment = "Region from the object key"
  }
  partition_keys {
    name    = "source_bucket"
    type    = "string"
    comment = "Audited (logged) bucket from the object key, in the archive and with S3 partitioned keys alike"
  }
  partition_keys {
    name    = "dt"
    type    = "string"
    comment = "Day from the object key, yyyy/MM/dd (UTC)"
  }

  lifecycle {
    precondition {
      # "${account}" is a projection placeholder; a bare "{...}" is a
      # template placeholder no partition column stands for.
      condition     = !can(regex("(^|[^$])\\{[^}]*\\}", local.partition_path)) && endswith(local.partition_path, "/") && startswith(local.archive_key_template, "{prefix}/") && endswith(local.archive_key_template, "/{key}")
      error_message = "infra/layout/archive-key-template.txt must be {prefix}/.../{key} using only {account}, {region}, {bucket} and {yyyy}/{MM}/{dd} in between; the derived partition path is \"${local.partition_path}\"."
    }
  }

  storage_descriptor {
    location      = var.location_prefix
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      name                  = "s3-server-access-log"
      serialization_library = "org.apache.hadoop.hive.serde2.RegexSerDe"
      parameters = {
        "input.regex" = local.input_regex
      }
    }

    dynamic "columns" {
      for_each = local.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}

# A warning, not an error: past a few dozen values per enum column AWS
# expects slower planning of every query; the hard limit is Glue's ~1 MB of
# table metadata (gzip), far beyond what this check allows.
check "enum_projection_stays_small" {
  assert {
    condition     = alltrue([for column, values in local.enum_values : length(values) <= 100])
    error_message = "Partition projection of ${var.table_name}: ${join(", ", [for column, values in local.enum_values : "${column} has ${length(values)} enum values" if length(values) > 100])}. AWS recommends \"a few dozen or less\" enum values; consider one table (or archive prefix) per group of accounts."
  }
}

resource "aws_athena_named_query" "audit" {
  for_each = var.saved_queries_enabled ? local.saved_queries : {}

  name        = "${var.table_name}-${replace(each.key, "_", "-")}"
  description = each.value.description
  workgroup   = var.workgroup_name
  database    = var.database_name
  query       = each.value.query

  depends_on = [aws_glue_catalog_table.access_logs]
}
