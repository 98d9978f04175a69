//! The layers point one way (README, Architecture): this test reads every file of
//! `src/` and fails, naming the file and the line, when
//!
//! - `domain/` reaches the store, the use cases, HTTP or a face, or SeaORM or axum;
//! - `store/` reaches the use cases or a face;
//! - `service/` reaches HTTP or a face;
//! - `api/` and `web/` reach each other, or the store (they call use cases);
//! - the files of one folder reach each other in a circle.
//!
//! It also fails where a row is built outside `store/` (an entity `Model` written
//! as a literal, or an `ActiveModel`): the use cases hand the store commands.
//!
//! "Reaches" is any path in the code, in a `use` or inline (`crate::store::…`,
//! `super::…`), so that no import can hide in a function body.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A path the code names, and the line it is on.
#[derive(Debug, Clone)]
struct Reference {
    line: usize,
    /// Absolute within the crate: `["store", "workspace", "meeting"]`; or an
    /// external crate's path: `["::sea_orm", …]`.
    path: Vec<String>,
}

/// A source file: its module path within the crate and what it names.
struct Source {
    file: String,
    module: Vec<String>,
    references: Vec<Reference>,
}

fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The code without comments and string literals, line by line (so that a path
/// in a doc comment or a message names nothing).
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let mut code = String::new();
        let mut chars = line.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            if in_block {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    in_block = false;
                }
                continue;
            }
            if in_str {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                '/' if chars.peek() == Some(&'/') => break,
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    in_block = true;
                }
                '"' => {
                    in_str = true;
                    code.push_str("\"\"");
                }
                _ => code.push(c),
            }
        }
        out.push(code);
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |e| format!("{prefix}{e}")))
        .collect()
}

/// A path as written, made absolute from the module it is written in.
fn resolve(module: &[String], written: &str) -> Option<Vec<String>> {
    let written = written.split(" as ").next()?.trim();
    let mut segments = written.split("::").map(str::trim).filter(|s| !s.is_empty());
    let first = segments.next()?;
    let mut path: Vec<String> = match first {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => {
            let mut m = module.to_vec();
            m.pop();
            m
        }
        "sea_orm" | "axum" => return Some(vec![format!("::{first}")]),
        _ => return None,
    };
    for s in segments {
        match s {
            "super" => {
                path.pop();
            }
            "self" | "*" => {}
            s => path.push(s.to_string()),
        }
    }
    Some(path)
}

fn references(module: &[String], text: &str) -> Vec<Reference> {
    let lines = code_lines(text);
    let mut out = Vec::new();
    // `use` statements, which may span lines.
    let mut k = 0;
    while k < lines.len() {
        let trimmed = lines[k].trim_start();
        let statement = trimmed
            .strip_prefix("pub use ")
            .or_else(|| trimmed.strip_prefix("pub(crate) use "))
            .or_else(|| trimmed.strip_prefix("pub(super) use "))
            .or_else(|| trimmed.strip_prefix("use "));
        if let Some(first) = statement {
            let start = k;
            let mut tree = first.to_string();
            while !tree.contains(';') && k + 1 < lines.len() {
                k += 1;
                tree.push_str(&lines[k]);
            }
            let tree = tree.split(';').next().unwrap_or_default();
            for path in expand(&tree.replace(char::is_whitespace, "")) {
                if let Some(path) = resolve(module, &path) {
                    out.push(Reference {
                        line: start + 1,
                        path,
                    });
                }
            }
        } else {
            // Inline paths: `crate::x::y`, `super::x`, `sea_orm::…`, `axum::…`.
            let line = &lines[k];
            for (i, _) in line.match_indices("::") {
                let before = &line[..i];
                let word_start = before
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .map_or(0, |p| p + 1);
                let written = &line[word_start..];
                let end = written
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(written.len());
                let written = &written[..end];
                if word_start < i
                    && ["crate::", "super::", "self::", "sea_orm::", "axum::"]
                        .iter()
                        .any(|p| written.starts_with(p))
                    && before[word_start..].split("::").count() == 1
                {
                    if let Some(path) = resolve(module, written) {
                        out.push(Reference { line: k + 1, path });
                    }
                }
            }
        }
        k += 1;
    }
    out
}

fn read_tree(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((relative, text));
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|(relative, text)| {
            let module = module_of(&relative);
            Source {
                file: format!("src/{}", relative.display()),
                references: references(&module, &text),
                module,
            }
        })
        .collect()
}

/// What a layer may not reach: (layer, forbidden first segments).
const RULES: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "store",
            "service",
            "http",
            "api",
            "web",
            "::sea_orm",
            "::axum",
        ],
    ),
    ("store", &["service", "api", "web", "http"]),
    ("service", &["http", "api", "web"]),
    ("api", &["web", "store"]),
    ("web", &["api", "store"]),
];

fn violations(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources {
        let Some(layer) = s.module.first() else {
            continue;
        };
        let Some((_, banned)) = RULES.iter().find(|(l, _)| l == layer) else {
            continue;
        };
        for r in &s.references {
            if let Some(first) = r.path.first().filter(|f| banned.contains(&f.as_str())) {
                out.push(format!(
                    "{}:{}: {layer}/ reaches {} ({})",
                    s.file,
                    r.line,
                    first.trim_start_matches("::"),
                    r.path.join("::")
                ));
            }
        }
    }
    out.extend(circles(sources));
    out
}

/// Circles among the files of one folder: for each folder, the units directly
/// in it (a file, or a subfolder with all it holds) and which of them name
/// which. The folder's own `mod.rs` composes its units and is no unit itself.
fn circles(sources: &[Source]) -> Vec<String> {
    let mut folders: BTreeSet<Vec<String>> = BTreeSet::new();
    for s in sources {
        for depth in 0..s.module.len() {
            folders.insert(s.module[..depth].to_vec());
        }
    }
    let mut out = Vec::new();
    for folder in folders {
        // unit → (unit it names → where)
        let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for s in sources {
            if s.module.len() <= folder.len() || !s.module.starts_with(&folder) {
                continue;
            }
            let unit = &s.module[folder.len()];
            for r in &s.references {
                if r.path.len() > folder.len() && r.path.starts_with(&folder) {
                    let other = &r.path[folder.len()];
                    let is_unit = sources.iter().any(|t| {
                        t.module.len() > folder.len()
                            && t.module.starts_with(&r.path[..=folder.len()])
                    });
                    if other != unit && is_unit {
                        edges
                            .entry(unit.clone())
                            .or_default()
                            .entry(other.clone())
                            .or_insert_with(|| format!("{}:{}", s.file, r.line));
                    }
                }
            }
        }
        // A circle: a unit that reaches itself again.
        let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for start in edges.keys() {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            while let Some((at, trail)) = stack.pop() {
                for next in edges.get(&at).map(|e| e.keys()).into_iter().flatten() {
                    if next == start {
                        let members: BTreeSet<String> = trail.iter().cloned().collect();
                        if reported.insert(members) {
                            let mut steps = Vec::new();
                            for w in trail.windows(2).chain(std::iter::once(
                                &[trail[trail.len() - 1].clone(), start.clone()][..],
                            )) {
                                steps
                                    .push(format!("{} → {} ({})", w[0], w[1], edges[&w[0]][&w[1]]));
                            }
                            out.push(format!(
                                "files of src/{} reach each other in a circle: {}",
                                folder.join("/"),
                                steps.join(", ")
                            ));
                        }
                    } else if !trail.contains(next) {
                        let mut t = trail.clone();
                        t.push(next.clone());
                        stack.push((next.clone(), t));
                    }
                }
            }
        }
    }
    out
}

/// Rows built outside the store: `…::Model {` as a literal and any
/// `ActiveModel`, with file and line.
fn rows_built_outside_the_store(file: &str, text: &str) -> Vec<String> {
    if file.starts_with("src/store/") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, code) in code_lines(text).iter().enumerate() {
        // Not a literal: `impl … for x::Model {`, or `fn f() -> &x::Model {`.
        let literal = code.find("::Model {").is_some_and(|at| {
            let before = &code[..at];
            !before.trim_start().starts_with("impl") && !before.contains("->")
        });
        if literal || code.contains("ActiveModel") {
            out.push(format!("{file}:{}: {}", k + 1, code.trim()));
        }
    }
    out
}

#[test]
fn rows_are_built_by_the_store_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let file = format!("src/{}", path.strip_prefix(&root).unwrap().display());
                let text = std::fs::read_to_string(&path).unwrap();
                wrong.extend(rows_built_outside_the_store(&file, &text));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "rows built outside store/:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn a_row_built_outside_the_store_is_named() {
    let text = "impl Child for goal::Model {\n}\nfn f() -> &goal::Model {\n    let g = goal::Model {\n        id,\n    };\n    // user::Model { in a comment }\n    let a = user::ActiveModel::default();\n}\n";
    assert_eq!(
        rows_built_outside_the_store("src/service/x.rs", text),
        [
            "src/service/x.rs:4: let g = goal::Model {",
            "src/service/x.rs:8: let a = user::ActiveModel::default();",
        ]
    );
    assert!(rows_built_outside_the_store("src/store/x.rs", text).is_empty());
}

#[test]
fn the_layers_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_tree(&root);
    assert!(sources.len() > 50, "the source tree was read");
    let wrong = violations(&sources);
    assert!(
        wrong.is_empty(),
        "the layers are crossed:\n{}",
        wrong.join("\n")
    );
}

fn source(file: &str, text: &str) -> Source {
    let relative = Path::new(file);
    let module = module_of(relative);
    Source {
        file: format!("src/{file}"),
        references: references(&module, text),
        module,
    }
}

#[test]
fn a_crossed_layer_is_named_with_its_file_and_line() {
    let sources = [
        source(
            "domain/rules.rs",
            "//! Rules.\nuse crate::store::db::Store;\nuse super::wire::Role;\n\nfn f() {\n    let x = sea_orm::Value::Int(None); // a comment naming crate::web\n}\n",
        ),
        source("store/db.rs", "use crate::service::accounts::{self, Caller};\n"),
        source(
            "service/a.rs",
            "use crate::{\n    clock::Clock,\n    http::cookies,\n};\nfn g() { crate::web::done(); }\n",
        ),
        source("api/x.rs", "use crate::web::Page;\n"),
        source("web/y.rs", "fn h() { let s = \"crate::api::x\"; }\n"),
    ];
    let wrong = violations(&sources);
    let expected = [
        "src/domain/rules.rs:2: domain/ reaches store (store::db::Store)",
        "src/domain/rules.rs:6: domain/ reaches sea_orm (::sea_orm)",
        "src/store/db.rs:1: store/ reaches service (service::accounts)",
        "src/store/db.rs:1: store/ reaches service (service::accounts::Caller)",
        "src/service/a.rs:1: service/ reaches http (http::cookies)",
        "src/service/a.rs:5: service/ reaches web (web::done)",
        "src/api/x.rs:1: api/ reaches web (web::Page)",
    ];
    assert_eq!(wrong, expected, "a string or a comment names nothing");
}

#[test]
fn a_circle_among_the_files_of_a_folder_is_named() {
    let sources = [
        source("web/mod.rs", "mod a;\nmod b;\npub use a::*;\n"),
        source("web/a.rs", "use super::b::page;\n"),
        source("web/b/mod.rs", "mod c;\n"),
        source("web/b/c.rs", "fn f() { crate::web::a::x(); }\n"),
        source("web/d.rs", "use super::a::x;\n"),
    ];
    let wrong = violations(&sources);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert!(
        wrong[0].starts_with("files of src/web reach each other in a circle: a → b (src/web/a.rs:1), b → a (src/web/b/c.rs:1)"),
        "{}",
        wrong[0]
    );
}
