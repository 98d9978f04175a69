//! Scores read exactly: decimals as whole numbers of one common unit.
use super::*;
use anyhow::{bail, Context};
use std::path::Path;
use tandem_match as engine;

/// The largest score in engine units: scores are `i32`, so that a pair's weight (two
/// scores) and any total over millions of pairs stay exact in `i64`.
pub(super) const MOST_UNITS: i128 = i32::MAX as i128;

/// Turns decimal scores into whole units of 10^-`decimals`, exactly.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Decimal places counted so far (or fixed by the user).
    pub decimals: u32,
    /// `--precision` was given: a score with more places is an error, not a reason to grow.
    pub fixed: bool,
}

impl Scale {
    /// Decimal places taken from the input: they grow to the most any score has.
    pub fn from_input() -> Self {
        Scale {
            decimals: 0,
            fixed: false,
        }
    }

    /// Exactly `decimals` places; a score with more is refused.
    pub fn fixed(decimals: u32) -> Self {
        Scale {
            decimals,
            fixed: true,
        }
    }
}

/// A score's text as a decimal, as written (`87.250` → 87250 × 10^-3).
pub(super) fn parse_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    use std::str::FromStr;
    rust_decimal::Decimal::from_str(text)
        .or_else(|_| rust_decimal::Decimal::from_scientific(text))
        .ok()
}

pub(super) fn pow10(k: u32) -> i128 {
    10i128.pow(k)
}

/// Reads a record's two scores into units of the scale, first growing the scale (and
/// rescaling the scores read so far, `edges`) when one has more decimal places than any
/// before.
pub(super) fn scores(
    path: &Path,
    record: &csv::ByteRecord,
    scale: &mut Scale,
    edges: &mut [engine::Edge],
) -> anyhow::Result<(i32, i32)> {
    let line = line_of(record);
    let mut read = [(2, "mentee_score"), (3, "mentor_score")]
        .map(|(k, name)| (k, name, "", rust_decimal::Decimal::ZERO));
    for (k, name, text_of, value_of) in read.iter_mut() {
        let text = field(path, record, *k, name)?;
        let Some(mut value) = parse_decimal(text) else {
            bail!(
                "{}: line {line}: `{name}` must be a number, found {text:?}",
                path.display()
            );
        };
        if value.scale() > scale.decimals {
            // Trailing zeros are no places (`87.250` has two); only a score with more
            // places than any before needs them counted.
            value = value.normalize();
        }
        let places = value.scale();
        if places > scale.decimals {
            if scale.fixed {
                bail!(
                    "{}: line {line}: `{name}` {text} has {places} decimal places, more than \
                     --precision {}; round the file yourself or raise --precision",
                    path.display(),
                    scale.decimals
                );
            }
            rescale(edges, places - scale.decimals).with_context(|| {
                format!(
                    "{}: line {line}: `{name}` {text} has {places} decimal places, and at \
                     that precision an earlier score no longer fits (at most {MOST_UNITS} \
                     units of 10^-{places}); give --precision with fewer places and round \
                     the file",
                    path.display()
                )
            })?;
            scale.decimals = places;
        }
        *text_of = text;
        *value_of = value;
    }
    let mut units = [0i32; 2];
    for (out, (_, name, text, value)) in units.iter_mut().zip(&read) {
        let u = value.mantissa() * pow10(scale.decimals - value.scale());
        if u.abs() > MOST_UNITS {
            bail!(
                "{}: line {line}: `{name}` {text} is too large to count exactly in {} decimal \
                 places (at most {MOST_UNITS} units of 10^-{}); give --precision with fewer \
                 places and round the file",
                path.display(),
                scale.decimals,
                scale.decimals
            );
        }
        *out = u as i32;
    }
    Ok((units[0], units[1]))
}

/// Multiplies every score read so far by 10^`more`; `None` when one would no longer fit.
pub(super) fn rescale(edges: &mut [engine::Edge], more: u32) -> Option<()> {
    let factor = pow10(more);
    let fits = |s: i32| (i128::from(s) * factor).abs() <= MOST_UNITS;
    if !edges
        .iter()
        .all(|e| fits(e.mentee_score) && fits(e.mentor_score))
    {
        return None;
    }
    for e in edges {
        e.mentee_score = (i128::from(e.mentee_score) * factor) as i32;
        e.mentor_score = (i128::from(e.mentor_score) * factor) as i32;
    }
    Some(())
}
