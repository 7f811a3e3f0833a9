//! Which language a reader gets. The command line: `--lang`, else
//! `SAFECOUNT_LANG`, else an agency profile's `language`, else the POSIX
//! locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English. The server:
//! `?lang=`, else the signed-in agency's profile, else `Accept-Language`.

use super::Lang;

/// The language of a POSIX locale name such as `fr_CA.UTF-8`; `C` and
/// `POSIX` are English.
pub fn from_locale(locale: &str) -> Option<Lang> {
    let base = locale
        .split(['_', '.', '@', '-'])
        .next()
        .unwrap_or_default();
    match base {
        "" => None,
        "C" | "POSIX" => Some(Lang::En),
        other => Lang::parse(other),
    }
}

/// The POSIX locale variables in their order of precedence: the first one
/// set decides (a locale of a language safecount does not speak means
/// English). `SAFECOUNT_LANG` is read with `--lang`, ahead of a profile.
pub fn from_environment() -> Option<Lang> {
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(value) = std::env::var(name)
            && !value.is_empty()
        {
            return Some(from_locale(&value).unwrap_or(Lang::En));
        }
    }
    None
}

/// The preferred language safecount speaks in an `Accept-Language` header
/// (RFC 9110 §12.5.4): the highest `q` wins, the first listed on a tie.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let Some(lang) = Lang::parse(tag.split('-').next().unwrap_or_default()) else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_and_locales_name_a_language() {
        assert_eq!(
            from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(from_accept_language("de;q=1, fr;q=0.4"), Some(Lang::Fr));
        assert_eq!(from_accept_language("en;q=0.5, fr;q=0.7"), Some(Lang::Fr));
        assert_eq!(from_accept_language("fr;q=0, de"), None);
        assert_eq!(from_locale("fr_CA.UTF-8"), Some(Lang::Fr));
        assert_eq!(from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(from_locale("de_DE"), None);
    }
}
