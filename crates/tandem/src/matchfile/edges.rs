//! The assignment-only input: mentors with capacities and the scored edges,
//! read line by line with errors that name the line.
use super::*;
use anyhow::{bail, Context};
use rustc_hash::FxHashMap;
use std::path::Path;
use tandem_match as engine;

/// Fields are trimmed where they are read (`field`): cheaper than the reader's own trimming.
pub(super) fn reader(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

pub(super) fn expect_header(
    path: &Path,
    rdr: &mut csv::Reader<std::fs::File>,
    want: &[&str],
) -> anyhow::Result<()> {
    let got = rdr
        .byte_headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?;
    let got: Vec<String> = got
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    if got != want {
        bail!(
            "{}: line 1: the header must be `{}`, found `{}`",
            path.display(),
            want.join(","),
            got.join(",")
        );
    }
    Ok(())
}

pub(super) fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

pub(super) fn field<'r>(
    path: &Path,
    record: &'r csv::ByteRecord,
    k: usize,
    name: &str,
) -> anyhow::Result<&'r str> {
    let raw = record.get(k).with_context(|| {
        format!(
            "{}: line {}: missing the `{name}` column",
            path.display(),
            line_of(record)
        )
    })?;
    let text = std::str::from_utf8(raw)
        .with_context(|| {
            format!(
                "{}: line {}: `{name}` is not UTF-8",
                path.display(),
                line_of(record)
            )
        })?
        .trim();
    if text.is_empty() {
        bail!(
            "{}: line {}: `{name}` is empty",
            path.display(),
            line_of(record)
        );
    }
    Ok(text)
}

/// Reads `mentors.csv` and `edges.csv` into an instance.
pub fn load_edges(
    mentors_path: &Path,
    edges_path: &Path,
    mut scale: Scale,
    progress: &Progress,
) -> anyhow::Result<Problem> {
    let mut rdr = reader(mentors_path)?;
    expect_header(mentors_path, &mut rdr, &["mentor", "capacity"])?;
    let mut mentor_ids = Vec::new();
    let mut mentor_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut capacity = Vec::new();
    let mut record = csv::ByteRecord::new();
    while rdr
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: malformed CSV", mentors_path.display()))?
    {
        let id = field(mentors_path, &record, 0, "mentor")?;
        let cap_text = field(mentors_path, &record, 1, "capacity")?;
        let cap: u32 = cap_text.parse().with_context(|| {
            format!(
                "{}: line {}: `capacity` must be a whole number ≥ 0, found {cap_text:?}",
                mentors_path.display(),
                line_of(&record)
            )
        })?;
        if mentor_index
            .insert(id.to_string(), mentor_ids.len() as u32)
            .is_some()
        {
            bail!(
                "{}: line {}: mentor {id:?} is listed twice",
                mentors_path.display(),
                line_of(&record)
            );
        }
        mentor_ids.push(id.to_string());
        capacity.push(cap);
    }
    progress.say(format_args!("{} mentors read", mentor_ids.len()));

    // Counting the lines first lets the edges live in one exact allocation.
    let expected = count_lines(edges_path)?.saturating_sub(1);
    let mut rdr = reader(edges_path)?;
    expect_header(
        edges_path,
        &mut rdr,
        &["mentee", "mentor", "mentee_score", "mentor_score"],
    )?;
    let mut mentee_ids: Vec<String> = Vec::new();
    let mut mentee_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut edges: Vec<engine::Edge> = Vec::with_capacity(expected);
    // Files usually list a mentee's edges together: then `starts` is already the CSR.
    // Otherwise `owners` records each edge's mentee for a counting sort at the end.
    let mut starts: Vec<u32> = Vec::new();
    let mut owners: Option<Vec<u32>> = None;
    while rdr
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: malformed CSV", edges_path.display()))?
    {
        let mentee = field(edges_path, &record, 0, "mentee")?;
        let mentor = field(edges_path, &record, 1, "mentor")?;
        let Some(&j) = mentor_index.get(mentor) else {
            bail!(
                "{}: line {}: mentor {mentor:?} is not in {}",
                edges_path.display(),
                line_of(&record),
                mentors_path.display()
            );
        };
        let i = match mentee_index.get(mentee) {
            Some(&i) => i,
            None => {
                let i = mentee_ids.len() as u32;
                mentee_index.insert(mentee.to_string(), i);
                mentee_ids.push(mentee.to_string());
                starts.push(edges.len() as u32);
                i
            }
        };
        if owners.is_none() && i as usize + 1 != mentee_ids.len() {
            owners = Some(owners_of(&starts, edges.len()));
        }
        if let Some(owners) = owners.as_mut() {
            owners.push(i);
        }
        let (mentee_score, mentor_score) = scores(edges_path, &record, &mut scale, &mut edges)?;
        edges.push(engine::Edge {
            mentor: j,
            mentee_score,
            mentor_score,
        });
        if edges.len().is_multiple_of(1_000_000) {
            progress.say(format_args!("{} edges read", edges.len()));
        }
    }
    progress.say(format_args!(
        "{} edges of {} mentees read",
        edges.len(),
        mentee_ids.len()
    ));
    drop(mentee_index);
    let (offsets, sorted) = match owners {
        None => {
            starts.push(edges.len() as u32);
            (starts, edges)
        }
        Some(owners) => csr_by_mentee(mentee_ids.len(), edges, &owners),
    };
    let instance = engine::Instance::from_csr(capacity, offsets, sorted).map_err(|e| match e {
        engine::InstanceError::DuplicateEdge { mentee, mentor } => anyhow::anyhow!(
            "{}: the pair mentee {:?}, mentor {:?} appears more than once",
            edges_path.display(),
            mentee_ids[mentee as usize],
            mentor_ids[mentor as usize]
        ),
        other => anyhow::anyhow!("{}: {other}", edges_path.display()),
    })?;
    progress.say(format_args!(
        "scores counted exactly in {} decimal places",
        scale.decimals
    ));
    Ok(Problem {
        instance,
        decimals: scale.decimals,
        mentee_ids,
        mentor_ids,
    })
}

pub(super) fn count_lines(path: &Path) -> anyhow::Result<usize> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
    }
}

/// The mentee of each of the first `edges` edges, when they were grouped by mentee.
pub(super) fn owners_of(starts: &[u32], edges: usize) -> Vec<u32> {
    let mut owners = Vec::with_capacity(edges);
    for (i, &from) in starts.iter().enumerate() {
        let to = starts.get(i + 1).map_or(edges, |&t| t as usize);
        owners.extend(std::iter::repeat_n(i as u32, to - from as usize));
    }
    owners
}

/// Counting sort of edges into CSR by mentee, keeping file order within a mentee.
pub(super) fn csr_by_mentee(
    n: usize,
    edges: Vec<engine::Edge>,
    owners: &[u32],
) -> (Vec<u32>, Vec<engine::Edge>) {
    let mut offsets = vec![0u32; n + 1];
    for &i in owners {
        offsets[i as usize + 1] += 1;
    }
    for k in 0..n {
        offsets[k + 1] += offsets[k];
    }
    let mut next = offsets.clone();
    let mut sorted = vec![
        engine::Edge {
            mentor: 0,
            mentee_score: 0,
            mentor_score: 0
        };
        edges.len()
    ];
    for (e, &i) in edges.into_iter().zip(owners) {
        let at = &mut next[i as usize];
        sorted[*at as usize] = e;
        *at += 1;
    }
    (offsets, sorted)
}
