//! A participants CSV (SPEC §5): its header, its rows read and checked one by
//! one, every problem named with its line in the file (the header is line 1).
use crate::domain::values::{labels, line, timezone, Email};
use crate::domain::wire::{Role, Seniority};
use std::collections::HashMap;

/// The columns of a participants CSV, in the SPEC's order.
pub const COLUMNS: [&str; 10] = [
    "email",
    "name",
    "role",
    "field",
    "seniority",
    "skills",
    "wants_skills",
    "languages",
    "timezone",
    "capacity",
];

/// Columns a file must have; the others may be left out.
const REQUIRED: [&str; 3] = ["email", "name", "role"];

/// Rows at most in one import.
pub const MAX_ROWS: usize = 50_000;

/// One participant, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Its line in the file.
    pub line: u64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// `None`: the column is absent or the cell empty, and what is stored stays.
    pub field: Option<String>,
    pub seniority: Option<Seniority>,
    pub skills: Option<Vec<String>>,
    pub wants_skills: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub timezone: Option<String>,
    pub capacity: Option<i32>,
}

/// A problem on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

fn at(line: u64, message: impl Into<String>) -> LineError {
    LineError {
        line,
        message: message.into(),
    }
}

/// `a; b ;c` → `["a", "b", "c"]`
fn list(raw: &str) -> Vec<String> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads and checks a whole file: the participants of the good lines, and every
/// problem (up to `limit` of them, so a wrong file does not answer with a
/// million lines). A wrong header stops there.
pub fn read(text: &str, limit: usize) -> (Vec<Participant>, Vec<LineError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return (
                Vec::new(),
                vec![at(1, format!("the header can't be read: {e}"))],
            )
        }
    };
    let mut column: HashMap<&str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().find(|c| **c == name.as_str()) {
            Some(known) if column.contains_key(known) => {
                errors.push(at(1, format!("the column {known} comes twice")))
            }
            Some(known) => {
                column.insert(known, i);
            }
            None => errors.push(at(
                1,
                format!(
                    "unknown column {name:?}; the columns are {}",
                    COLUMNS.join(",")
                ),
            )),
        }
    }
    for needed in REQUIRED {
        if !column.contains_key(needed) {
            errors.push(at(1, format!("the column {needed} is missing")));
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }
    let mut out = Vec::new();
    // (e-mail, role) → the line it was first seen on.
    let mut seen: HashMap<(String, Role), u64> = HashMap::new();
    for record in reader.records() {
        if errors.len() >= limit {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| line_at(text, p.byte() as usize))
                    .unwrap_or(0);
                errors.push(at(line, format!("this line can't be read as CSV: {e}")));
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| line_at(text, p.byte() as usize))
            .unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if out.len() + errors.len() >= MAX_ROWS {
            errors.push(at(
                line,
                format!("a file holds at most {MAX_ROWS} participants; split it"),
            ));
            break;
        }
        if record.len() > header.len() {
            errors.push(at(
                line,
                format!(
                    "{} cells where the header has {} columns",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let cells: HashMap<&str, &str> = column
            .iter()
            .map(|(name, &i)| (*name, record.get(i).unwrap_or("")))
            .collect();
        match participant(line, &cells) {
            Ok(p) => match seen.get(&(p.email.clone(), p.role)) {
                Some(first) => errors.push(at(
                    line,
                    format!("{} is already on line {first} as {}", p.email, p.role),
                )),
                None => {
                    seen.insert((p.email.clone(), p.role), line);
                    out.push(p);
                }
            },
            Err(problems) => errors.push(at(line, problems.join("; "))),
        }
    }
    (out, errors)
}

/// The line a record starting at byte `start` is on: the csv reader may place
/// the start before the empty lines it skipped.
fn line_at(text: &str, start: usize) -> u64 {
    let start = start.min(text.len());
    let skipped = text[start..]
        .bytes()
        .take_while(|b| *b == b'\n' || *b == b'\r')
        .filter(|b| *b == b'\n')
        .count();
    1 + text.as_bytes()[..start]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + skipped as u64
}

/// One row's participant, or what is wrong with it (column: problem).
fn participant(line: u64, cells: &HashMap<&str, &str>) -> Result<Participant, Vec<String>> {
    let cell = |name: &str| cells.get(name).copied().unwrap_or("");
    let mut problems = Vec::new();
    let mut check = |column: &str, r: Result<(), String>| {
        if let Err(e) = r {
            problems.push(format!("{column}: {e}"));
        }
    };
    let mut email = String::new();
    check(
        "email",
        Email::parse(cell("email")).map(|e| email = e.into_inner()),
    );
    let mut name = String::new();
    check("name", line_of(cell("name"), 120, true).map(|n| name = n));
    let mut role = Role::Mentee;
    check(
        "role",
        Role::parse(&cell("role").to_ascii_lowercase()).map(|r| role = r),
    );
    let mut field = None;
    check(
        "field",
        optional(cell("field"), |v| line_of(v, 200, false)).map(|v| field = v),
    );
    let mut seniority = None;
    check(
        "seniority",
        optional(cell("seniority"), |v| {
            Seniority::parse(&v.to_ascii_lowercase())
        })
        .map(|v| seniority = v),
    );
    let mut lists: [Option<Vec<String>>; 3] = [None, None, None];
    for (slot, (column, max)) in
        lists
            .iter_mut()
            .zip([("skills", 30), ("wants_skills", 30), ("languages", 20)])
    {
        check(
            column,
            optional(cell(column), |v| labels(&list(v), max)).map(|v| *slot = v),
        );
    }
    let [skills, wants_skills, languages] = lists;
    let mut zone = None;
    check(
        "timezone",
        optional(cell("timezone"), timezone).map(|v| zone = v),
    );
    let mut capacity = None;
    check(
        "capacity",
        optional(cell("capacity"), |v| match v.parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n as i32),
            _ => Err("a whole number from 1 to 100".to_string()),
        })
        .map(|v| capacity = v),
    );
    if capacity.is_some() && role == Role::Mentee {
        problems.push("capacity: only mentors have a capacity".into());
    }
    if wants_skills.is_some() && role == Role::Mentor {
        problems.push("wants_skills: only mentees want skills".into());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Participant {
        line,
        email,
        name,
        role,
        field,
        seniority,
        skills,
        wants_skills,
        languages,
        timezone: zone,
        capacity,
    })
}

fn line_of(raw: &str, max: usize, required: bool) -> Result<String, String> {
    line(raw, max, required)
}

/// An empty cell is no value; a filled one must be a good one.
fn optional<T>(
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if raw.is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity\n";

    #[test]
    fn a_good_file_reads_with_lists_and_empty_cells() {
        let file = format!(
            "{HEADER}ada@example.org,Ada Lovelace,mentor,Engineering,senior,Rust; Leadership,,English;French,Europe/London,2\n\
             grace@example.org,Grace Hopper,Mentee,,,,Rust,English,,\n"
        );
        let (people, errors) = read(&file, 100);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].line, 2);
        assert_eq!(
            people[0].skills.as_deref(),
            Some(&["Rust".to_string(), "Leadership".to_string()][..])
        );
        assert_eq!(people[0].capacity, Some(2));
        assert_eq!(people[1].role, Role::Mentee);
        assert_eq!(people[1].field, None, "an empty cell changes nothing");
        assert_eq!(people[1].line, 3);
        let (people, _) = read(&format!("{HEADER}\r\n\r\na@b.org,A,mentee\r\n"), 10);
        assert_eq!(people[0].line, 4, "empty lines count, CRLF or not");
    }

    #[test]
    fn every_bad_line_is_named_with_its_file_line() {
        let file = format!(
            "{HEADER}not-an-email,Ada,mentor,,,,,,,\n\
             \n\
             grace@example.org,Grace,boss,,,,,,Mars/Olympus,\n\
             \"quoted\nacross lines\"@x.org,Quoted,mentee,,,,,,,\n\
             ok@example.org,OK,mentee,,,,,,,\n\
             ok@example.org,OK again,mentee,,,,,,,\n\
             cap@example.org,Cap,mentee,,,,,,,3\n"
        );
        let (good, errors) = read(&file, 100);
        assert_eq!(good.len(), 1, "the good line is still read: {good:?}");
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 4, 5, 8, 9], "{errors:?}");
        assert!(errors[1].message.contains("role"), "{:?}", errors[1]);
        assert!(errors[1].message.contains("timezone"), "{:?}", errors[1]);
        assert!(errors[3].message.contains("line 7"), "{:?}", errors[3]);
        assert!(errors[4].message.contains("capacity"), "{:?}", errors[4]);
    }

    #[test]
    fn the_header_must_name_known_columns() {
        let (_, errors) = read("email,name,favourite_colour\n", 10);
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors
            .iter()
            .any(|e| e.message.contains("favourite_colour")));
        assert!(errors.iter().any(|e| e.message.contains("role is missing")));
        let (people, errors) = read("\u{feff}email,name,role\na@b.org,A,mentee\n", 10);
        assert_eq!((people.len(), errors.len()), (1, 0));
    }
}
