//! Every word a person reads, in English and French: the Fluent catalogues
//! under `i18n/<lang>/*.ftl` (embedded in the binary), the language a reader
//! chose, and the numbers of each language. A translator edits the `.ftl`
//! files and nothing else; the tests fail when a message is missing from
//! either language, when its variables differ, or when no code uses it.
//!
//! Messages follow the rule every safecount message has: they carry a file,
//! a row number, a column, a code and a count, never a cell value.

mod catalogue;
mod choose;
mod message;
pub mod number;

pub use catalogue::{FILES, Resource, message_ids, source_of};
pub use choose::{from_accept_language, from_environment, from_locale};
pub use message::{Arg, Args, Message};

use number::{Format, Style};

/// A language safecount speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let text = String::deserialize(d)?;
        Lang::parse(&text).ok_or_else(|| serde::de::Error::custom("expected \"en\" or \"fr\""))
    }
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "fr" | "french" | "français" | "francais" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The ISO 639-1 code, as `lang=` attributes and `?lang=` links write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The other language (for "Version française" / "English version").
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    /// A message without variables, by its id.
    ///
    /// # Panics
    /// When the id is in no catalogue: a programming error the catalogue
    /// tests catch.
    pub fn t(self, id: &str) -> &'static str {
        catalogue::plain(self, id)
    }

    /// A text written outside the catalogues (a definition file's words)
    /// with this language's typography: in French, the no-break spaces the
    /// catalogues get (see `catalogue`).
    pub fn typography(self, text: &str) -> String {
        match self {
            Lang::En => text.to_string(),
            Lang::Fr => catalogue::french_typography(text).trim_end().to_string(),
        }
    }

    /// A message without variables, when the catalogue has it.
    pub fn try_t(self, id: &str) -> Option<&'static str> {
        catalogue::try_plain(self, id)
    }

    /// A message with its variables.
    pub fn msg(self, id: &str, args: &Args) -> String {
        catalogue::format(self, id, args)
    }

    /// A message whose variables are already written in this language
    /// (the report's figures), given as `(name, text)` pairs.
    pub fn fill(self, id: &str, args: &[(&str, String)]) -> String {
        let mut a = Args::new();
        for (name, value) in args {
            a = a.with(name, value.as_str());
        }
        self.msg(id, &a)
    }

    /// The readable name of a canonical code (province, status, category, ...);
    /// a code without one is written as itself.
    pub fn code_label(self, code: &str) -> String {
        catalogue::try_plain(self, &code_id(code))
            .map(str::to_string)
            .unwrap_or_else(|| code.to_string())
    }

    /// An RFC 3339 timestamp (a receipt's `received_at`) as people read
    /// it, in UTC: "December 2, 2026, 23:22 UTC" / "2 décembre 2026, 23 h 22
    /// UTC". A text that is not such a timestamp is written as itself.
    pub fn timestamp(self, rfc3339: &str) -> String {
        use chrono::{Datelike, Timelike};
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
            return rfc3339.to_string();
        };
        let at = at.with_timezone(&chrono::Utc);
        let args = Args::new()
            .with("year", at.year().to_string())
            .with("month", self.t(&format!("month-{}", at.month())))
            .with("day", at.day())
            .with("hour", at.hour().to_string())
            .with("minute", format!("{:02}", at.minute()));
        self.msg("timestamp", &args)
    }

    /// A quarter as tables write it: "2025 Q3" / "T3 2025"; a period that
    /// is not a quarter (a pooled year, "2025") as itself.
    pub fn quarter(self, q: &str) -> String {
        match q.split_once('Q') {
            Some((year, n)) => {
                let args = Args::new().with("year", year).with("n", n);
                self.msg("quarter-short", &args)
            }
            None => q.to_string(),
        }
    }

    /// A quarter as prose says it: "the third quarter of 2025" / "3e trimestre 2025".
    pub fn quarter_words(self, q: &str) -> String {
        match q.split_once('Q').map(|(y, n)| (y, n.parse::<i64>())) {
            Some((year, Ok(n))) => {
                let args = Args::new().with("year", year).with("n", n);
                self.msg("quarter-words", &args)
            }
            _ => q.to_string(),
        }
    }

    /// A whole number with thousands separators.
    pub fn int(self, v: f64) -> String {
        number::write(self, v, Format::INTEGER)
    }

    /// A decimal number with `places` digits.
    pub fn dec(self, v: f64, places: usize) -> String {
        number::write(self, v, Format::decimals(places))
    }

    /// A share in [0, 1] as a percentage (one decimal under 10 %).
    pub fn pct(self, v: f64) -> String {
        let places = if v.abs() < 0.1 { 1 } else { 0 };
        number::write(
            self,
            v,
            Format {
                style: Style::Percent,
                ..Format::decimals(places)
            },
        )
    }

    /// An amount of dollars, rounded to the dollar.
    pub fn dollars(self, v: f64) -> String {
        number::write(
            self,
            v,
            Format {
                style: Style::Currency,
                ..Format::INTEGER
            },
        )
    }

    /// A list joined as prose: "a, b and c" / "a, b et c".
    pub fn list(self, items: &[String]) -> String {
        let and = self.t("and");
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(if i + 1 == items.len() { and } else { ", " });
            }
            out.push_str(item);
        }
        out
    }
}

/// The catalogue id of a code's name: `code-` and the code, `+` spelled
/// `-plus` (Fluent ids are letters, digits, `-` and `_`).
pub fn code_id(code: &str) -> String {
    format!("code-{}", code.replace('+', "-plus"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_quarters_and_lists_follow_each_language() {
        assert_eq!(Lang::En.int(1234567.0), "1,234,567");
        assert_eq!(Lang::Fr.int(1234567.0), "1\u{202f}234\u{202f}567");
        assert_eq!(Lang::Fr.dec(0.25, 2), "0,25");
        assert_eq!(Lang::En.pct(0.126), "13%");
        assert_eq!(Lang::Fr.pct(0.05), "5,0\u{a0}%");
        assert_eq!(Lang::Fr.dollars(1234.0), "1\u{202f}234\u{a0}$");
        assert_eq!(Lang::Fr.quarter("2025Q3"), "T3 2025");
        assert_eq!(Lang::En.quarter("2025Q3"), "2025 Q3");
        assert_eq!(Lang::Fr.quarter("2025"), "2025", "a pooled year");
        assert_eq!(Lang::Fr.quarter_words("2025Q3"), "3e trimestre 2025");
        assert_eq!(Lang::Fr.quarter_words("2025Q1"), "1er trimestre 2025");
        assert_eq!(Lang::En.quarter_words("2025Q3"), "2025 Q3");
        assert_eq!(
            Lang::En.list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(Lang::Fr.list(&["a".into(), "b".into()]), "a et b");
    }

    #[test]
    fn plurals_and_numbers_go_through_the_catalogue() {
        let rows = |lang: Lang, n: i64| lang.msg("intake-rows", &Args::new().with("count", n));
        assert_eq!(rows(Lang::En, 1), "1 row");
        assert_eq!(rows(Lang::En, 1200), "1,200 rows");
        assert_eq!(rows(Lang::Fr, 1), "1 ligne");
        assert_eq!(rows(Lang::Fr, 0), "0 ligne");
        assert_eq!(rows(Lang::Fr, 1200), "1\u{202f}200 lignes");
    }

    #[test]
    fn french_punctuation_gets_its_no_break_space() {
        let text = Lang::Fr.t("report_title");
        assert!(text.contains("canadiens\u{a0}: logement"), "{text}");
        assert!(!text.contains(" :"), "{text}");
    }

    #[test]
    fn timestamps_are_written_as_people_read_them() {
        let at = "2026-12-01T09:05:00Z";
        assert_eq!(Lang::En.timestamp(at), "December 1, 2026, 9:05 UTC");
        assert_eq!(Lang::Fr.timestamp(at), "1er décembre 2026, 9 h 05 UTC");
        assert_eq!(
            Lang::Fr.timestamp("2025-03-14T23:59:59+00:00"),
            "14 mars 2025, 23 h 59 UTC"
        );
        assert_eq!(Lang::Fr.timestamp("not a time"), "not a time");
    }
}
