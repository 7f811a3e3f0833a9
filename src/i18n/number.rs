//! Numbers, percentages and money as each language writes them: `1,234.5`,
//! `12%` and `$1,234` in English; `1 234,5`, `12 %` and `1 234 $` in
//! French (a narrow no-break space between thousands, a no-break space
//! before `%` and `$`). One routine serves the catalogues' `NUMBER()`
//! placeables and the report's figures, so both always agree.

use super::Lang;

/// What a number stands for, as Fluent's `NUMBER(style: ...)` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Decimal,
    /// A share in [0, 1], written as a percentage.
    Percent,
    /// Canadian dollars.
    Currency,
}

/// How to write one number.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    pub style: Style,
    pub min_fraction: usize,
    pub max_fraction: usize,
    pub grouping: bool,
}

impl Format {
    /// A whole number with grouped thousands.
    pub const INTEGER: Format = Format {
        style: Style::Decimal,
        min_fraction: 0,
        max_fraction: 0,
        grouping: true,
    };

    pub fn decimals(places: usize) -> Format {
        Format {
            min_fraction: places,
            max_fraction: places,
            ..Format::INTEGER
        }
    }
}

/// Write `value` in `lang`; the minus sign is U+2212 as typeset text has it.
pub fn write(lang: Lang, value: f64, format: Format) -> String {
    let value = match format.style {
        Style::Percent => value * 100.0,
        _ => value,
    };
    let fixed = format!("{:.*}", format.max_fraction, value.abs());
    let (int_part, frac_part) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut frac = frac_part.to_string();
    while frac.len() > format.min_fraction && frac.ends_with('0') {
        frac.pop();
    }
    let (group, point) = match lang {
        Lang::En => (",", "."),
        Lang::Fr => ("\u{202f}", ","),
    };
    let mut out = String::new();
    // A value that rounds to zero is written without a sign.
    if value < 0.0 && (int_part.bytes().any(|b| b != b'0') || frac.bytes().any(|b| b != b'0')) {
        out.push('\u{2212}');
    }
    for (i, ch) in int_part.chars().enumerate() {
        if format.grouping && i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push_str(point);
        out.push_str(&frac);
    }
    match (format.style, lang) {
        (Style::Decimal, _) => out,
        (Style::Percent, Lang::En) => format!("{out}%"),
        (Style::Percent, Lang::Fr) => format!("{out}\u{a0}%"),
        (Style::Currency, Lang::En) => match out.strip_prefix('\u{2212}') {
            Some(positive) => format!("\u{2212}${positive}"),
            None => format!("${out}"),
        },
        (Style::Currency, Lang::Fr) => format!("{out}\u{a0}$"),
    }
}

/// The catalogues' number formatter: Fluent hands every number placeable
/// here, with the options a message gave `NUMBER()`.
pub(super) fn fluent(lang: Lang, n: &fluent_bundle::types::FluentNumber) -> String {
    use fluent_bundle::types::FluentNumberStyle;
    let style = match n.options.style {
        FluentNumberStyle::Decimal => Style::Decimal,
        FluentNumberStyle::Percent => Style::Percent,
        FluentNumberStyle::Currency => Style::Currency,
    };
    let default_max = if n.value.fract() == 0.0 || style == Style::Currency {
        0
    } else {
        2
    };
    let max_fraction = n.options.maximum_fraction_digits.unwrap_or(default_max);
    let min_fraction = n.options.minimum_fraction_digits.unwrap_or(0);
    write(
        lang,
        n.value,
        Format {
            style,
            min_fraction: min_fraction.min(max_fraction.max(min_fraction)),
            max_fraction: max_fraction.max(min_fraction),
            grouping: n.options.use_grouping,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_numbers_its_own_way() {
        assert_eq!(write(Lang::En, 1234567.0, Format::INTEGER), "1,234,567");
        assert_eq!(
            write(Lang::Fr, 1234.5, Format::decimals(1)),
            "1\u{202f}234,5"
        );
        assert_eq!(write(Lang::En, -12.0, Format::INTEGER), "\u{2212}12");
        assert_eq!(write(Lang::En, -0.2, Format::INTEGER), "0");
        let money = Format {
            style: Style::Currency,
            ..Format::INTEGER
        };
        assert_eq!(write(Lang::En, 1234.0, money), "$1,234");
        assert_eq!(write(Lang::Fr, 1234.0, money), "1\u{202f}234\u{a0}$");
        let pct = Format {
            style: Style::Percent,
            ..Format::INTEGER
        };
        assert_eq!(write(Lang::En, 0.126, pct), "13%");
        assert_eq!(write(Lang::Fr, 0.126, pct), "13\u{a0}%");
    }
}
