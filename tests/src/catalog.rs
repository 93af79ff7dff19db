//! What an auditor in account B finds: the Glue tables with partition
//! projection and the saved Athena queries Terraform created, and the saved
//! queries' answers over shipped objects.
//!
//! fakecloud's Athena runs only trivial SELECTs and there is no Trino here,
//! so the answers come from `tests/athena/saved_queries.py`: each query is
//! parsed as Trino SQL and qualified against the table's columns (sqlglot),
//! every line is split by the table's own regex under Java's regex engine (as
//! Athena's RegexSerDe does), and the query runs in DuckDB with a small shim
//! for the Trino functions it uses. That is not Athena: it proves the SQL,
//! the columns and the regex fit the data, not Athena's engine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::account::Account;
use crate::projection::Projection;

/// A Glue table as `GetTable` returns it, in the runner's JSON shape.
#[derive(Debug, Clone)]
pub struct Table {
    pub database: String,
    pub name: String,
    pub location: String,
    pub parameters: BTreeMap<String, String>,
    /// The SerDe's library, the input format and the output format.
    pub formats: [String; 3],
    pub json: Value,
}

/// What Athena needs to read log lines with a regex. The library is Athena's
/// Regex SerDe ("The serialization library name for the Regex SerDe is
/// org.apache.hadoop.hive.serde2.RegexSerDe", Athena's "Regex SerDe" page),
/// over Hive's text file formats (`STORED AS TEXTFILE`).
pub const REGEX_TEXT_FORMATS: [&str; 3] = [
    "org.apache.hadoop.hive.serde2.RegexSerDe",
    "org.apache.hadoop.mapred.TextInputFormat",
    "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
];

impl Table {
    /// The table reads text lines through the Regex SerDe, which is all the
    /// local engine emulates (it reads only `input.regex`).
    pub fn check_formats(&self) -> Result<()> {
        anyhow::ensure!(
            self.formats == REGEX_TEXT_FORMATS,
            "table {}.{} has SerDe / input / output {:?}, expected {REGEX_TEXT_FORMATS:?}",
            self.database,
            self.name,
            self.formats
        );
        Ok(())
    }

    pub fn projection(&self) -> Result<Projection> {
        Projection::from_parameters(&self.parameters)
            .with_context(|| format!("table {}.{}", self.database, self.name))
    }
}

/// A saved (named) query.
#[derive(Debug, Clone)]
pub struct SavedQuery {
    pub name: String,
    pub database: String,
    pub workgroup: String,
    pub query: String,
}

/// Every table of every Glue database in the account.
pub async fn tables(admin: &Account) -> Result<Vec<Table>> {
    let glue = aws_sdk_glue::Client::new(&admin.sdk);
    let mut out = Vec::new();
    for db in glue.get_databases().send().await?.database_list() {
        for t in glue
            .get_tables()
            .database_name(db.name())
            .send()
            .await?
            .table_list()
        {
            // GetTable, as an auditor's tools would, rather than the listing.
            let table = glue
                .get_table()
                .database_name(db.name())
                .name(t.name())
                .send()
                .await?
                .table
                .context("GetTable returned no table")?;
            let sd = table
                .storage_descriptor()
                .context("table has no storage descriptor")?;
            let columns: Vec<Value> = sd
                .columns()
                .iter()
                .map(|c| json!({"name": c.name(), "type": c.r#type()}))
                .collect();
            let partition_keys: Vec<Value> = table
                .partition_keys()
                .iter()
                .map(|c| json!({"name": c.name(), "type": c.r#type()}))
                .collect();
            let parameters: BTreeMap<String, String> = table
                .parameters()
                .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let regex = sd
                .serde_info()
                .and_then(|s| s.parameters())
                .and_then(|p| p.get("input.regex"))
                .cloned()
                .unwrap_or_default();
            let formats = [
                sd.serde_info().and_then(|s| s.serialization_library()),
                sd.input_format(),
                sd.output_format(),
            ]
            .map(|f| f.unwrap_or_default().to_string());
            out.push(Table {
                formats,
                database: db.name().to_string(),
                name: table.name().to_string(),
                location: sd.location().unwrap_or_default().to_string(),
                json: json!({
                    "database": db.name(), "name": table.name(), "columns": columns,
                    "partition_keys": partition_keys, "input_regex": regex, "parameters": parameters,
                }),
                parameters,
            });
        }
    }
    Ok(out)
}

/// Every named query of every Athena workgroup in the account.
pub async fn saved_queries(admin: &Account) -> Result<Vec<SavedQuery>> {
    let athena = aws_sdk_athena::Client::new(&admin.sdk);
    let mut out = Vec::new();
    for wg in athena.list_work_groups().send().await?.work_groups() {
        let workgroup = wg.name().unwrap_or_default();
        let ids = athena
            .list_named_queries()
            .work_group(workgroup)
            .send()
            .await?;
        for id in ids.named_query_ids() {
            let q = athena
                .get_named_query()
                .named_query_id(id)
                .send()
                .await?
                .named_query
                .context("GetNamedQuery returned nothing")?;
            out.push(SavedQuery {
                name: q.name().to_string(),
                database: q.database().to_string(),
                workgroup: workgroup.to_string(),
                query: q.query_string().to_string(),
            });
        }
    }
    Ok(out)
}

/// A local copy of a log object and the partition it falls in.
#[derive(Debug, Clone)]
pub struct LocalObject {
    pub path: PathBuf,
    pub partition: BTreeMap<String, String>,
}

/// Query name → rows (each a column name → value map).
pub type Answers = BTreeMap<String, Vec<BTreeMap<String, Value>>>;

/// Run `queries` over `objects` as rows of `table`.
pub async fn answer(
    table: &Table,
    queries: &[SavedQuery],
    objects: &[LocalObject],
    work: &Path,
) -> Result<Answers> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = athena_python().await?;
    let write = |name: &str, value: Value| -> Result<PathBuf> {
        let path = work.join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&value)?)?;
        Ok(path)
    };
    let table_json = write("table.json", table.json.clone())?;
    let queries_json = write(
        "queries.json",
        Value::Array(
            queries
                .iter()
                .map(|q| json!({"name": q.name, "database": q.database, "query": q.query}))
                .collect(),
        ),
    )?;
    let objects_json = write(
        "objects.json",
        Value::Array(
            objects
                .iter()
                .map(|o| json!({"path": o.path, "partition": o.partition}))
                .collect(),
        ),
    )?;
    let out = tokio::process::Command::new(python)
        .arg(repo.join("tests/athena/saved_queries.py"))
        .arg("--table")
        .arg(&table_json)
        .arg("--queries")
        .arg(&queries_json)
        .arg("--objects")
        .arg(&objects_json)
        .arg("--regex-java")
        .arg(repo.join("infra/checks/AthenaRegexTest.java"))
        .output()
        .await
        .context("running tests/athena/saved_queries.py")?;
    if !out.status.success() {
        bail!(
            "saved queries over {}.{} failed:\n{}",
            table.database,
            table.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let result: Value = serde_json::from_slice(&out.stdout)?;
    let mut answers = Answers::new();
    for (name, answer) in result["queries"]
        .as_object()
        .context("no queries in the result")?
    {
        let columns: Vec<&str> = answer["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let rows = answer["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|row| {
                columns
                    .iter()
                    .zip(row.as_array().into_iter().flatten())
                    .map(|(c, v)| (c.to_string(), v.clone()))
                    .collect()
            })
            .collect();
        answers.insert(name.clone(), rows);
    }
    Ok(answers)
}

/// The runner's Python, installed on first use by `tests/athena/setup.sh`.
/// The python of the embedded query engine's venv (`tests/athena/setup.sh`).
pub async fn athena_python() -> Result<PathBuf> {
    tokio::task::spawn_blocking(|| crate::script_output("tests/athena/setup.sh")).await?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(formats: [&str; 3]) -> Table {
        Table {
            database: "d".into(),
            name: "t".into(),
            location: "s3://b/p/".into(),
            parameters: BTreeMap::new(),
            formats: formats.map(String::from),
            json: Value::Null,
        }
    }

    #[test]
    fn only_the_regex_serde_over_text_is_accepted() {
        assert!(table(REGEX_TEXT_FORMATS).check_formats().is_ok());
        let mut wrong = REGEX_TEXT_FORMATS;
        wrong[0] = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
        let err = table(wrong).check_formats().unwrap_err().to_string();
        assert!(err.contains("LazySimpleSerDe"), "{err}");
        assert!(table(["", "", ""]).check_formats().is_err());
    }
}
