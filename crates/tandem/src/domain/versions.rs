//! Edits that never overwrite each other (SPEC §7): every shared text two people
//! may edit carries a version raised by every change, and a change made on an
//! older version is refused, so that nobody's words are lost without a word.

/// The version a change was made on (`If-Match`, or a page's hidden field); None
/// when the client did not say, and then the change applies as before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expected(pub Option<i32>);

/// The change was made on an older version than the one stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub current: i32,
}

impl Expected {
    /// A version typed into a form's hidden field; anything else is none.
    pub fn from_form(raw: &str) -> Expected {
        Expected(raw.trim().parse().ok())
    }

    /// Whether a change made on this version may apply to what is stored now.
    pub fn check(self, current: i32) -> Result<(), Stale> {
        match self.0 {
            Some(v) if v != current => Err(Stale { current }),
            _ => Ok(()),
        }
    }
}

/// The version after a change: one more when anything changed.
pub fn next(current: i32, changed: bool) -> i32 {
    if changed {
        current.saturating_add(1)
    } else {
        current
    }
}

/// An `If-Match` header: a version as an entity tag, `"3"` (or weak, `W/"3"`), or
/// `*` (any version). A bare `3`, as a client copying `version` from a body would
/// write it, is taken as `"3"`. Several tags may be listed; any one of them may match, so
/// a list is taken as none (the change applies) only when it holds `*`.
pub fn parse_if_match(raw: &str) -> Result<Expected, String> {
    let tags: Vec<&str> = raw.split(',').map(str::trim).collect();
    if tags.contains(&"*") {
        return Ok(Expected(None));
    }
    let [tag] = tags.as_slice() else {
        return Err("If-Match names one version, as \"3\"".into());
    };
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let bare = tag.bytes().all(|b| b.is_ascii_digit()).then_some(tag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or(bare)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i32>().ok())
        .map(|v| Expected(Some(v)))
        .ok_or_else(|| "If-Match must be a version in quotes, as \"3\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_on_the_stored_version_applies_and_one_on_an_older_is_stale() {
        assert_eq!(Expected(Some(3)).check(3), Ok(()));
        assert_eq!(Expected(Some(2)).check(3), Err(Stale { current: 3 }));
        assert_eq!(Expected(Some(4)).check(3), Err(Stale { current: 3 }));
        assert_eq!(Expected(None).check(3), Ok(()), "no If-Match: as before");
    }

    #[test]
    fn every_change_raises_the_version_and_no_change_keeps_it() {
        assert_eq!(next(1, true), 2);
        assert_eq!(next(1, false), 1);
        assert_eq!(next(i32::MAX, true), i32::MAX);
    }

    #[test]
    fn if_match_takes_a_quoted_version() {
        assert_eq!(parse_if_match("\"3\""), Ok(Expected(Some(3))));
        assert_eq!(parse_if_match(" W/\"12\" "), Ok(Expected(Some(12))));
        assert_eq!(parse_if_match("*"), Ok(Expected(None)));
        assert_eq!(parse_if_match("\"1\", *"), Ok(Expected(None)));
        assert_eq!(
            parse_if_match("3"),
            Ok(Expected(Some(3))),
            "bare, as in a body"
        );
        for bad in [
            "\"three\"",
            "\"1\", \"2\"",
            "",
            "\"\"",
            "\"3",
            "-1",
            "\"+3\"",
        ] {
            assert!(parse_if_match(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_form_field_that_is_no_number_says_nothing() {
        assert_eq!(Expected::from_form(" 5 "), Expected(Some(5)));
        assert_eq!(Expected::from_form(""), Expected(None));
        assert_eq!(Expected::from_form("x"), Expected(None));
    }
}
