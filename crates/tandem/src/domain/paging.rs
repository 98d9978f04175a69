//! Keyset paging: a page is "the next `limit` rows after this key", and the key
//! travels as an opaque cursor. A cursor that does not decode is refused, never
//! read as "from the start".
use base64::Engine;
use chrono::{DateTime, Utc};

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// A cursor that is not one of ours, or not for this list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCursor;

impl std::fmt::Display for BadCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the cursor is not valid: pass the next_cursor of the previous page unchanged, or leave it out for the first page")
    }
}

/// The key of the last row of a page: its sort values, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(Vec<String>);

impl Cursor {
    pub fn new(parts: Vec<String>) -> Cursor {
        Cursor(parts)
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(&self.0).expect("a list of strings serialises");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(raw: &str) -> Result<Cursor, BadCursor> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw.trim())
            .map_err(|_| BadCursor)?;
        let parts: Vec<String> = serde_json::from_slice(&bytes).map_err(|_| BadCursor)?;
        if parts.is_empty() || parts.iter().any(|p| p.contains('\0')) {
            return Err(BadCursor);
        }
        Ok(Cursor(parts))
    }

    /// A key of one text and an id (e.g. a lower-cased name, then the id).
    pub fn text_and_id(&self) -> Result<(String, String), BadCursor> {
        match self.0.as_slice() {
            [text, id] => Ok((text.clone(), id.clone())),
            _ => Err(BadCursor),
        }
    }

    /// A key of one time and an id.
    pub fn time_and_id(&self) -> Result<(DateTime<Utc>, String), BadCursor> {
        match self.0.as_slice() {
            [at, id] => {
                let at = DateTime::parse_from_rfc3339(at)
                    .map_err(|_| BadCursor)?
                    .with_timezone(&Utc);
                Ok((at, id.clone()))
            }
            _ => Err(BadCursor),
        }
    }

    /// A key of one date and an id.
    pub fn date_and_id(&self) -> Result<(chrono::NaiveDate, String), BadCursor> {
        match self.0.as_slice() {
            [on, id] => Ok((
                chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").map_err(|_| BadCursor)?,
                id.clone(),
            )),
            _ => Err(BadCursor),
        }
    }

    pub fn of_time_and_id(at: DateTime<Utc>, id: &str) -> Cursor {
        Cursor(vec![
            at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            id.to_string(),
        ])
    }
}

/// What a list is asked for: how many, after which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<Cursor>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// `limit` clamped to 1…200 (50 when absent); the cursor decoded.
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, BadCursor> {
        let limit = limit
            .map(|l| l.clamp(1, MAX_LIMIT as i64) as u64)
            .unwrap_or(DEFAULT_LIMIT);
        let after = match cursor.map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Cursor::decode(raw)?),
        };
        Ok(PageRequest { limit, after })
    }

    /// Everything, for the few places that need a whole list (exports).
    pub fn all() -> PageRequest {
        PageRequest {
            limit: 1_000_000_000,
            after: None,
        }
    }

    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> u64 {
        self.limit.saturating_add(1)
    }

    /// Cuts the fetched rows to the page and gives the cursor of the next one.
    pub fn finish<T>(
        &self,
        mut rows: Vec<T>,
        key: impl Fn(&T) -> Cursor,
    ) -> (Vec<T>, Option<String>) {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        let next = if more {
            rows.last().map(|last| key(last).encode())
        } else {
            None
        };
        (rows, next)
    }
}

/// How a page of a round's pairs is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairOrder {
    /// Best score first.
    Score,
    /// By the mentor's name, then the mentee's.
    Mentor,
    /// By the mentee's name.
    Mentee,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_is_not_ours() {
        let at = Utc::now();
        let c = Cursor::of_time_and_id(at, "abc");
        let back = Cursor::decode(&c.encode()).unwrap();
        let (t, id) = back.time_and_id().unwrap();
        assert_eq!(id, "abc");
        assert_eq!(t.timestamp_micros(), at.timestamp_micros());
        for bad in ["", "!!!", "bm90IGpzb24", "W10"] {
            assert!(Cursor::decode(bad).is_err(), "{bad:?} accepted");
        }
        assert!(back.text_and_id().is_ok());
        assert!(Cursor::new(vec!["x".into()]).time_and_id().is_err());
    }

    #[test]
    fn limits_are_clamped_and_a_page_knows_whether_another_follows() {
        assert_eq!(PageRequest::new(Some(0), None).unwrap().limit, 1);
        assert_eq!(PageRequest::new(Some(10_000), None).unwrap().limit, 200);
        assert_eq!(
            PageRequest::new(None, Some("")).unwrap(),
            PageRequest::default()
        );
        assert!(PageRequest::new(None, Some("nope")).is_err());
        let page = PageRequest::new(Some(2), None).unwrap();
        let key = |n: &i32| Cursor::new(vec![n.to_string()]);
        let (rows, next) = page.finish(vec![1, 2, 3], key);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(Cursor::decode(&next.unwrap()).unwrap(), key(&2));
        let (rows, next) = page.finish(vec![1, 2], key);
        assert_eq!(rows.len(), 2);
        assert!(next.is_none());
    }
}
