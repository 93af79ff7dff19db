//! Every function on the data path reads on one screen: no function in the
//! writer, the Lambda or the CLI (tests aside) is over 60 lines. A longer one
//! is split into named steps, so that event → object refs → plan → copy →
//! verify → report stays visible.

use std::path::Path;

const LIMIT: usize = 60;

/// `(file, function, lines)` for each function over the limit in `dir`.
fn long_functions(dir: &Path) -> Vec<(String, String, usize)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        // Unit tests sit after `#[cfg(test)]` at the end of a file.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let lines: Vec<&str> = code.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let signature = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "async fn ",
                "pub async fn ",
                "pub(crate) async fn ",
            ]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p));
            let Some(signature) = signature else { continue };
            let name: String = signature
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let closing = format!("{indent}}}");
            if let Some(end) = lines[start + 1..].iter().position(|l| *l == closing) {
                if end + 2 > LIMIT {
                    found.push((path.display().to_string(), name, end + 2));
                }
            }
        }
    }
    found
}

#[test]
fn no_function_is_over_sixty_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut long = Vec::new();
    for dir in [
        "crates/writer/src",
        "crates/cli/src",
        "functions/shipper/src",
        "functions/compactor/src",
    ] {
        long.extend(long_functions(&root.join(dir)));
    }
    assert!(long.is_empty(), "split these into named steps: {long:?}");
}

#[test]
fn the_check_finds_a_long_function() {
    let dir = std::env::temp_dir().join(format!("logferry-fn-length-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = "    step();\n".repeat(LIMIT);
    std::fs::write(
        dir.join("long.rs"),
        format!("pub fn long() {{\n{body}}}\n\nfn short() {{\n}}\n"),
    )
    .unwrap();
    let found = long_functions(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "long");
}
