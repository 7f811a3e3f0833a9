//! The layering `lib.rs` describes, checked: every `crate::<module>` path in
//! `src/` points down the order below, and the server's files (whose shared
//! intake lives in `intake.rs`) have no import cycle.

use crate::support::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first: a module may use only modules of a lower layer.
const LAYERS: &[&[&str]] = &[
    &[
        "schema", "text", "clock", "digest", "exit", "i18n", "linkage",
    ],
    &["ingest", "classify", "privacy"],
    &["store", "sample"],
    &["release"],
    &["report"],
    &["pipeline", "server"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Names following `prefix` in the code of `text` (line comments aside).
fn paths_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines().map(str::trim_start) {
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn every_module_uses_only_lower_layers() {
    let src = repo().join("src");
    let mut wrong = Vec::new();
    let mut files = Vec::new();
    sources(&src, &mut files);
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let Some(own) = layer_of(&module) else {
            continue; // lib.rs, main.rs
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in paths_after(&text, "crate::") {
            let Some(theirs) = layer_of(&used) else {
                continue;
            };
            if used != module && theirs >= own {
                wrong.push(format!("{} uses crate::{used}", rel.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_servers_files_have_no_import_cycle() {
    let dir = repo().join("src/server");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|n| n != "mod")
        .collect();
    for n in &names {
        let text = std::fs::read_to_string(dir.join(format!("{n}.rs"))).unwrap();
        let uses = paths_after(&text, "super::")
            .into_iter()
            .chain(paths_after(&text, "super::{").into_iter())
            .filter(|u| names.contains(u) && u != n)
            .collect();
        graph.insert(n.clone(), uses);
    }
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            return Some(path[at..].to_vec());
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in &graph[n] {
            if let Some(cycle) = visit(m, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        let cycle = visit(n, &graph, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle among the server's files: {cycle:?}"
        );
    }
    assert!(graph["api"].contains("intake") && graph["pages"].contains("intake"));
}

/// The code before its unit tests (`#[cfg(test)]` at the left margin).
fn code_of(text: &str) -> &str {
    text.find("\n#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Every function of `code` longer than `most` lines: (name, first line, length).
/// A function ends at the first `}` line at its own indentation.
fn long_functions(code: &str, most: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let signature = trimmed
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("async ");
        let Some(rest) = signature.strip_prefix("fn ") else {
            continue;
        };
        if line.trim_end().ends_with(';') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let end = lines[i + 1..]
            .iter()
            .position(|l| l.trim() == "}" && l.len() - l.trim_start().len() == indent);
        let length = end.map_or(0, |e| e + 2);
        if length > most {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            long.push((name, i + 1, length));
        }
    }
    long
}

#[test]
fn source_files_and_functions_stay_small_enough_to_change() {
    // The bar: no file over 800 lines, no function over 150, outside
    // tests and the sample generator (whose population model is one long draw).
    let src = repo().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut big = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.starts_with("sample") || rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = code_of(&text);
        let lines = code.lines().count();
        if lines > 800 {
            big.push(format!("{}: {lines} lines", rel.display()));
        }
        for (name, at, length) in long_functions(code, 150) {
            big.push(format!(
                "{}:{at}: fn {name} is {length} lines",
                rel.display()
            ));
        }
    }
    assert!(
        big.is_empty(),
        "too long to change safely:\n{}",
        big.join("\n")
    );
    // The checker itself finds a long function.
    let long = format!("fn f() {{\n{}}}\n", "    let x = 1;\n".repeat(160));
    assert_eq!(long_functions(&long, 150).len(), 1);
}
