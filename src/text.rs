//! Text helpers shared by every stage that reads people's files: folding for
//! case- and accent-insensitive matching, "did you mean" suggestions, and the
//! line and message of a TOML error (profiles, definitions, pipelines).

/// Fold a cell for case- and accent-insensitive matching: trim, lower-case,
/// strip accents, collapse inner white space.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Closest of `candidates` to `word`, if reasonably close.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&fold(word), &fold(c)), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Line (1-based) and message of a TOML parse error, with a suggestion of the
/// closest allowed key when the error is an unknown key.
pub fn toml_error(text: &str, e: &toml::de::Error) -> (usize, String) {
    // Newlines before the error's start, plus one: right also when the span starts a line.
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    let mut message = e.message().to_string();
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next())
    {
        let expected: Vec<&str> = message
            .split("expected one of ")
            .nth(1)
            .map(|e| {
                e.split(", ")
                    .map(|s| s.trim_matches(|c| c == '`' || c == '.'))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(best) = closest(field, expected.iter().copied()) {
            message.push_str(&format!(" (did you mean `{best}`?)"));
        }
    }
    (line, message)
}
