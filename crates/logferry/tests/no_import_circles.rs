//! The library's modules depend on each other one way: no module reaches,
//! through the modules it uses, back to itself. Read from the sources: each
//! file is a module, and each `crate::…` or `super::…` path in its non-test
//! code is an edge to the deepest module that path names. The crate root
//! only re-exports, so it is not a node.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// `src/ship/plan.rs` → `ship::plan`, `src/ship/mod.rs` → `ship`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            found.push(path);
        }
    }
}

/// The code before the file's `#[cfg(test)]` items: what the library is made of.
fn library_code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// Every `crate::a::b…` and `super::a…` path in `code`, made absolute.
fn paths(code: &str, module: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for (at, _) in line
            .match_indices("crate::")
            .chain(line.match_indices("super::"))
        {
            if at > 0 && line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let rest = &line[at..];
            let segments: Vec<String> = rest
                .split("::")
                .map(|s| {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|s| !s.is_empty())
                .collect();
            let absolute = match segments.first().map(String::as_str) {
                Some("crate") => segments[1..].to_vec(),
                Some("super") => {
                    let mut base: Vec<String> = module.split("::").map(String::from).collect();
                    base.pop();
                    base.extend(segments[1..].iter().cloned());
                    base
                }
                _ => continue,
            };
            found.push(absolute);
        }
    }
    found
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            (
                module_of(&src, f),
                std::fs::read_to_string(f).expect("readable"),
            )
        })
        .collect();
    let mut graph = Graph::new();
    for (module, text) in &modules {
        let edges = graph.entry(module.clone()).or_default();
        for path in paths(library_code(text), module) {
            // The deepest module the path names.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|candidate| modules.contains_key(candidate));
            if let Some(target) = target.filter(|t| !t.is_empty() && t != module) {
                edges.insert(target);
            }
        }
    }
    graph.remove("");
    graph
}

/// A path from `from` back to itself, if there is one.
fn circle(graph: &Graph, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty");
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                let mut found = path.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_reaches_back_to_itself() {
    let graph = graph();
    assert!(
        graph.contains_key("ship::plan") && graph.contains_key("compact::io"),
        "{graph:?}"
    );
    let circles: Vec<String> = graph
        .keys()
        .filter_map(|module| circle(&graph, module))
        .map(|c| c.join(" → "))
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_shared_rooms_know_nothing_of_the_stages() {
    let graph = graph();
    for (module, uses) in &graph {
        if module.starts_with("archive") || module.starts_with("s3") {
            let stages: Vec<&String> = uses
                .iter()
                .filter(|u| u.starts_with("ship") || u.starts_with("compact"))
                .collect();
            assert!(stages.is_empty(), "{module} uses {stages:?}");
        }
    }
}
