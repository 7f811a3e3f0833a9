//! Names: the given and family names the guard knows, and what is checked
//! against them — whether a label (a column's or a sheet's name) may be
//! shown or identifies someone, whether a person key is built from the
//! person, and whether a value is a name in any case or script.

use super::{IdentifierKind, detect, re, sin_match};
use crate::ingest::profile::fold;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

static NAME_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\p{Lu}[\p{Ll}'’-]+(,?\s+\p{Lu}[\p{Ll}'’-]*\.?){0,3}$"));

/// Common given names in Canadian case files (English, French, Spanish,
/// Tagalog, South Asian, East Asian, African, Eastern European), folded.
pub(super) static GIVEN_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    "maria marie mary anna ana ann anne sarah sara jessica jennifer emily emma olivia sophia sophie chloe \
     amelia ava mia isabella charlotte grace lily zoe julie julia nathalie natalie isabelle catherine \
     genevieve melanie stephanie valerie chantal sylvie josee francine manon lucie caroline karine \
     amelie camille lea lea rosa carmen lucia guadalupe juana elena luz gloria patricia veronica \
     fernanda daniela gabriela andrea marisol esperanza rosario teresa josefina mariana lorena \
     jocelyn maricel rowena mylene lovely cherry joy grace ma marites rhea rachelle liza \
     priya anjali pooja neha sunita kavita deepa lakshmi fatima aisha amina zainab mariam \
     khadija nadia leila yasmin mei ling li xiu hui yan jing min ji yeon soo hana yuki \
     olga irina natalia tatiana svetlana oksana elena katarzyna agnieszka \
     john james robert michael william david richard joseph thomas charles daniel matthew \
     anthony mark paul steven andrew kevin brian george jean pierre michel andre jacques \
     francois luc marc alain denis claude louis philippe nicolas mathieu sebastien simon \
     jose juan carlos luis miguel jorge pedro manuel francisco antonio alejandro ricardo \
     rafael fernando diego javier roberto eduardo mario sergio raul \
     jun rodel romeo joel jomar ramon rolando arnel \
     raj rahul amit arjun vikram sanjay ravi suresh mohammed muhammad ahmed ali omar hassan \
     ibrahim yusuf abdul wei chen jian hao tran nguyen minh kwame kofi emmanuel samuel \
     ivan dmitri sergei alexei andrei vasyl mykola"
        .split_whitespace()
        .collect()
});

/// Common family names in Canadian case files (French, English, Irish,
/// Chinese, South Asian, Vietnamese, Korean, Filipino, Latin American), folded.
static FAMILY_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    "tremblay gagnon roy cote bouchard gauthier morin lavoie fortin gagne ouellet pelletier \
     belanger levesque bergeron leblanc paquette girard simard boucher caron beaulieu cloutier \
     dube poirier fournier lapointe leclerc lefebvre poulin thibault nadeau landry martel \
     bedard grenier lessard bernier michaud hebert desjardins couture turcotte lachance \
     blais gosselin savard proulx beaudoin demers perron boudreau smith brown wilson \
     macdonald taylor campbell anderson jones williams johnson thompson martin \
     obrien o'brien murphy kelly ryan walsh byrne sullivan mccarthy \
     wong chen zhang wang liu yang huang zhao wu zhou xu sun zhu lin \
     singh kaur patel sharma gill sandhu dhillon grewal khan ahmed hussain \
     nguyen tran pham hoang phan dang ngo duong \
     kim park choi jung kang cho yoon jang lim \
     santos reyes cruz bautista ocampo garcia mendoza torres flores villanueva ramos \
     rodriguez martinez hernandez lopez gonzalez perez sanchez ramirez diaz morales"
        .split_whitespace()
        .collect()
});

/// Whether a name from the file's structure — a column's header, a sheet's
/// name — may be shown back in a report or a page. It is withheld (the
/// report names the column by its number instead) when it matches an
/// identifier pattern, holds an e-mail sign or more than four digits, holds
/// a word that is a common given or family name, is written in a script
/// other than Latin (a name cannot be told from a word there), is longer
/// than 60 characters, or holds control characters. When in doubt, withhold.
pub fn may_show_label(label: &str) -> bool {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 60 {
        return false;
    }
    if label.chars().any(|c| c.is_control()) || label.contains('@') {
        return false;
    }
    if label.chars().filter(char::is_ascii_digit).count() > 4 || label_pattern(label) {
        return false;
    }
    // Latin letters (with accents), digits, punctuation and spaces only.
    if label.chars().any(|c| c.is_alphabetic() && c > '\u{024F}') {
        return false;
    }
    !names_a_person(label)
}

/// Whether a column's name is itself personal data: a name ("Maria
/// Santos", "Tremblay"), an e-mail, a number. Such a file is refused: its
/// raw copy would keep the name.
pub fn label_identifies(label: &str) -> bool {
    let label = label.trim();
    !label.is_empty() && (label.contains('@') || label_pattern(label) || names_a_person(label))
}

/// Whether a label matches an identifier pattern. A header is often a
/// sentence ("Asked to cooperate with police?"): only free text is not
/// taken for an identifier there.
fn label_pattern(label: &str) -> bool {
    detect(label).is_some_and(|(kind, _)| kind != IdentifierKind::FreeText)
}

/// What a person key says about the person, when it is not an opaque code:
/// a name ("Tremblay_Marie_19870412", "maria-santos-1987-04-12"), a date of
/// birth, or a government number ("SIN130692544", "OHIP1234567890"). Parts
/// of 12 or more hexadecimal digits with a letter among them (a keyed hash,
/// a collaborative key) are opaque and not looked into.
/// Returns the kind, as a variant of the catalogue's `intake-person-key-personal`.
pub fn person_key_reveals(key: &str) -> Option<&'static str> {
    let separator = |c: char| "-_=+/.: ".contains(c);
    // Hexadecimal with at least one letter a–f: a hash, never a number
    // typed by hand (a run of digits inside one is chance).
    let is_opaque = |part: &str| {
        part.len() >= 12
            && part.bytes().all(|b| b.is_ascii_hexdigit())
            && part.bytes().any(|b| b.is_ascii_alphabetic())
    };
    if key.split(separator).all(|p| p.is_empty() || is_opaque(p)) {
        return None;
    }
    let open: Vec<&str> = key
        .split(separator)
        .filter(|p| !p.is_empty() && !is_opaque(p))
        .collect();
    let text = open.join(" ");
    let upper = text.to_ascii_uppercase();
    const GOVERNMENT: [&str; 8] = ["SIN", "NAS", "OHIP", "RAMQ", "HCN", "PHN", "SSN", "NIR"];
    let prefixed = GOVERNMENT.iter().any(|g| {
        upper.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
            w.strip_prefix(g)
                .is_some_and(|r| r.len() >= 6 && r.bytes().all(|b| b.is_ascii_digit()))
        })
    });
    let runs: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .collect();
    let sin = runs.iter().any(|r| r.len() == 9 && sin_match(r).is_some());
    if prefixed || sin || runs.iter().any(|r| r.len() == 10) {
        return Some("government-number");
    }
    if BIRTH_DATE_IN_KEY.is_match(&text) {
        return Some("birth-date");
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= 3 && names_a_person(&text) {
        return Some("name");
    }
    None
}

/// A date written inside a key: 19870412, 1987-04-12, 12/04/1987.
static BIRTH_DATE_IN_KEY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(^|\D)(19|20)\d{2}[ /]?(0[1-9]|1[0-2])[ /]?(0[1-9]|[12]\d|3[01])(\D|$)|(^|\D)(0[1-9]|[12]\d|3[01])[ /]?(0[1-9]|1[0-2])[ /]?(19|20)\d{2}(\D|$)",
    )
});

/// Whether some word of `text` is a common given or family name ("maria
/// santos", "TREMBLAY", "woman - Gagnon", "F (Marie)", "O'Brien"). Words of
/// one or two letters, and names that are also common words of headers and
/// codes ("min", "mark", "grace", "joy"), do not count.
pub(super) fn names_a_person(text: &str) -> bool {
    const ALSO_WORDS: [&str; 6] = ["min", "mark", "grace", "joy", "lovely", "cherry"];
    let folded = fold(text);
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| w.chars().count() >= 3 && !ALSO_WORDS.contains(w))
        .any(|w| {
            let bare = w.trim_matches('\'');
            GIVEN_NAMES.contains(bare) || FAMILY_NAMES.contains(bare) || FAMILY_NAMES.contains(w)
        })
}

pub(super) fn looks_like_name(value: &str) -> bool {
    if !NAME_SHAPE.is_match(value) {
        return false;
    }
    let folded = fold(value);
    let mut tokens = folded
        .split(|c: char| c == ' ' || c == ',')
        .filter(|t| !t.is_empty());
    let first = tokens.next().unwrap_or("");
    let rest: Vec<&str> = tokens.collect();
    // "Santos, Maria" puts the given name second.
    GIVEN_NAMES.contains(first)
        || (value.contains(',') && rest.first().is_some_and(|t| GIVEN_NAMES.contains(t)))
}

/// A name whatever its case ("maria santos", "MARIA SANTOS", "santos,
/// maria"): two to four words of letters, one a common given name. With a
/// common family name as well it is taken on one match (high precision):
/// a column holding "Maria Santos" in one row of ten is refused.
pub(super) fn name_in_any_case(value: &str) -> Option<bool> {
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if !(2..=4).contains(&words.len())
        || !words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphabetic() || "-'’.".contains(c)))
    {
        return None;
    }
    let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
    let given = |w: &String| GIVEN_NAMES.contains(w.as_str()) && w.chars().count() >= 3;
    let family = |w: &String| {
        w.split('-').any(|p| {
            FAMILY_NAMES.contains(p) || FAMILY_NAMES.contains(p.replace('\'', "").as_str())
        })
    };
    let has_given = folded.iter().any(given);
    let has_family = folded.iter().any(family);
    match (has_given, has_family) {
        (true, true) => Some(true),
        (true, false) if given(&folded[0]) || given(&folded[folded.len() - 1]) => Some(false),
        _ => None,
    }
}

/// One to four words in a script other than Latin, without digits ("王秀英",
/// "محمد علي", "Мария Иванова"): a name cannot be told from a word there,
/// so in a column that is not read it counts as a name (low precision: the
/// column is refused when enough of its values look so).
pub(super) fn is_foreign_script_name(value: &str) -> bool {
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    (2..=30).contains(&letters)
        && value.split_whitespace().count() <= 4
        && value.chars().all(|c| {
            c.is_whitespace() || "-'’.".contains(c) || (c.is_alphabetic() && c > '\u{024F}')
        })
}
