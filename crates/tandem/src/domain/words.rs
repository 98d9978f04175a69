//! The words the mentor directory finds people by (SPEC §7 Finding a mentor):
//! lower-cased as Unicode lower-cases them, split wherever a character is
//! neither a letter nor a digit, and matched by their start.

/// The distinct words of `text`, lower-cased, in the order they first appear.
pub fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() && !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// The least text above every word that starts with `prefix` (a word of
/// [`words`]): the prefix matches exactly the words in `[prefix, bound)`, in
/// code-point order (SQLite's `BINARY`, PostgreSQL's `"C"`).
pub fn prefix_bound(prefix: &str) -> String {
    // Words hold letters and digits only, so no word goes on with the last
    // code point there is: every word that starts with the prefix sorts below this.
    format!("{prefix}{}", char::MAX)
}

/// A filter typed into the directory: its words, each to be found at the start
/// of some word of the mentor's; none when it holds no letter or digit.
pub fn query_words(raw: Option<&str>) -> Vec<String> {
    raw.map(words).unwrap_or_default()
}

/// A language as the directory compares it: trimmed and lower-cased, whole.
pub fn language_key(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// A name as the directory orders people by it: trimmed, lower-cased and with
/// its accents set aside, so that "ada", "Ada" and "Åda" stand together, in the
/// same order on both databases (compared by code point).
pub fn sort_key(name: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    name.trim()
        .to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_split_on_anything_but_letters_and_digits() {
        assert_eq!(
            words("Software Engineering, C++/Rust & AI-safety (2024)"),
            [
                "software",
                "engineering",
                "c",
                "rust",
                "ai",
                "safety",
                "2024"
            ]
        );
    }

    #[test]
    fn names_sort_without_case_or_accents() {
        let mut names = ["émile", "Zoe", "ada", "Eric", "Åsa"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["ada", "Åsa", "émile", "Eric", "Zoe"]);
    }

    #[test]
    fn a_word_is_kept_once() {
        assert_eq!(words("Lead the leads: LEAD"), ["lead", "the", "leads"]);
    }

    #[test]
    fn lower_casing_knows_unicode() {
        assert_eq!(words("ÉCOLE Straße ΣΟΦΙΑ"), ["école", "straße", "σοφια"]);
        assert_eq!(words("Ünsal-Öztürk"), ["ünsal", "öztürk"]);
    }

    #[test]
    fn letters_of_other_scripts_are_letters() {
        assert_eq!(words("東京 の データ"), ["東京", "の", "データ"]);
    }

    #[test]
    fn blank_and_punctuation_give_no_words() {
        assert!(words("").is_empty());
        assert!(words("  -- / & ").is_empty());
        assert!(query_words(None).is_empty());
        assert!(query_words(Some(" ,; ")).is_empty());
    }

    #[test]
    fn a_prefix_bound_holds_every_word_that_starts_with_the_prefix_and_no_other() {
        let bound = prefix_bound("soft");
        for inside in ["soft", "software", "softz", "soft9", "softé", "soft東京"] {
            assert!(inside >= "soft" && inside < bound.as_str(), "{inside}");
        }
        for outside in ["sof", "sofu", "ware", "sog", "t", "a"] {
            assert!(
                !(outside >= "soft" && outside < bound.as_str()),
                "{outside}"
            );
        }
    }

    #[test]
    fn word_starts_match_and_middles_do_not() {
        let starts = |query: &str, text: &str| {
            let bound = prefix_bound(query);
            words(text)
                .iter()
                .any(|w| w.as_str() >= query && w.as_str() < bound.as_str())
        };
        assert!(starts("soft", "Software Engineering"));
        assert!(starts("eng", "Software Engineering"));
        assert!(starts("lead", "Leadership"));
        assert!(!starts("ware", "Software Engineering"));
        assert!(!starts("ship", "Leadership"));
    }

    #[test]
    fn a_language_is_compared_whole_and_lower_cased() {
        assert_eq!(language_key("  English "), "english");
        assert_eq!(language_key("Português"), "português");
    }
}
