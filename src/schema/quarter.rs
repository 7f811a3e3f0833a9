//! A reporting quarter, `YYYYQn`: parsed and checked once, with one message
//! for every place a person types one (command line, pipeline files, the
//! upload form and API).

use std::fmt;
use std::str::FromStr;

/// A calendar quarter between 1990 and 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    q: u8,
}

/// A text that is not a quarter; its message says how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a quarter: write it as YYYYQn, e.g. 2025Q3")]
pub struct NotAQuarter(pub String);

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        ((1990..=2100).contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 4.
    pub fn number(self) -> u8 {
        self.q
    }
}

impl FromStr for Quarter {
    type Err = NotAQuarter;

    /// `2025Q3` (or `2025q3`, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Quarter, NotAQuarter> {
        super::fields::parse_quarter(s.trim())
            .and_then(|(y, q)| Quarter::new(y, q))
            .ok_or_else(|| NotAQuarter(s.trim().to_string()))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl serde::Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Quarter, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_display_and_order() {
        let q: Quarter = " 2025q3 ".parse().unwrap();
        assert_eq!(q.to_string(), "2025Q3");
        assert_eq!((q.year(), q.number()), (2025, 3));
        assert!("2024Q4".parse::<Quarter>().unwrap() < q);
        let e = "2025Q5".parse::<Quarter>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"2025Q5\" is not a quarter: write it as YYYYQn, e.g. 2025Q3"
        );
        assert!("1899Q1".parse::<Quarter>().is_err());
        let v: Vec<Quarter> = serde_json::from_str("[\"2025Q1\"]").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "[\"2025Q1\"]");
        assert!(serde_json::from_str::<Quarter>("\"Q1 2025\"").is_err());
    }
}
