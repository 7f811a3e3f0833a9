//! French and English: the catalogues agree, French typography holds, no
//! user-facing English is left in Rust source, and the language a reader
//! gets follows `--lang`, `SAFECOUNT_LANG`, the agency profile and the locale.

use crate::support::{repo, safecount, safecount_with};
use safecount::i18n::{self, Lang};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Ids built at run time from a prefix and a code (`code-CA-ON`,
/// `chart_housing`), or from the place of a word in a tree: the command
/// line's help (`help-validate-arg-profile`), a field's description
/// (`field-cases-gender`), a pipeline key's (`pipeline-schema-tables-rho`).
/// Unit tests beside the code that builds each check its ids both ways.
const BUILT_IDS: &[&str] = &[
    "code-",
    "chart_",
    "agency_kind_",
    "help-",
    "field-",
    "pipeline-schema-",
    "schema-title-",
    "month-",
];

#[test]
fn every_message_is_in_both_languages_with_the_same_variables_and_is_used() {
    let en: BTreeMap<String, Vec<String>> = i18n::message_ids(Lang::En).into_iter().collect();
    let fr: BTreeMap<String, Vec<String>> = i18n::message_ids(Lang::Fr).into_iter().collect();
    let missing_fr: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let missing_en: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing_fr.is_empty(), "missing in French: {missing_fr:?}");
    assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
    for (id, vars) in &en {
        assert_eq!(Some(vars), fr.get(id), "{id}: the variables differ");
    }
    // Every message renders in both languages (this also loads and parses
    // every catalogue file).
    for id in en.keys().filter(|id| en[*id].is_empty()) {
        for lang in Lang::ALL {
            assert!(!lang.t(id).trim().is_empty(), "{id} is empty");
        }
    }
    // Used: named as a string in the source or a template, or built from a prefix.
    let mut sources = Vec::new();
    files(&repo().join("src"), "rs", &mut sources);
    files(&repo().join("src"), "html", &mut sources);
    let text: String = sources
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let unused: Vec<_> = en
        .keys()
        .filter(|id| !BUILT_IDS.iter().any(|p| id.starts_with(p)))
        .filter(|id| !text.contains(&format!("\"{id}\"")))
        .collect();
    assert!(unused.is_empty(), "ids no code uses: {unused:?}");
}

/// Source text without its `//` comments (whole-line ones).
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message ids of one language.
fn ids_of(lang: Lang) -> BTreeSet<String> {
    i18n::message_ids(lang)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn every_id_the_source_names_is_in_the_catalogue() {
    let ids = ids_of(Lang::En);
    let pattern =
        regex::Regex::new(r#"(?:\bt|\.msg|\.fill|Message::new|\.t)\(\s*"([a-z][a-z0-9_-]*)""#)
            .unwrap();
    let mut sources = Vec::new();
    files(&repo().join("src"), "rs", &mut sources);
    files(&repo().join("src"), "html", &mut sources);
    let mut unknown = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let text = without_comments(&text);
        for c in pattern.captures_iter(&text) {
            if !ids.contains(&c[1]) {
                unknown.push(format!("{}: {}", path.display(), &c[1]));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ids missing from the catalogues: {unknown:#?}"
    );
}

#[test]
fn every_canonical_code_has_a_name_in_both_languages() {
    use safecount::schema::codes;
    let ids = ids_of(Lang::Fr);
    let mut missing = Vec::new();
    for list in codes::ALL {
        for code in list.codes {
            if !ids.contains(&i18n::code_id(code)) {
                missing.push(format!("{}: {code}", list.name));
            }
        }
    }
    assert!(missing.is_empty(), "codes without a name: {missing:#?}");
}

/// French typography: a no-break space before `:` `;` `?` `!` `%` and
/// inside « », in every French message (outside `code` spans).
#[test]
fn french_messages_follow_french_typography() {
    let placeable = regex::Regex::new(r"\{[^{}]*\}").unwrap();
    let mut wrong = Vec::new();
    for file in i18n::FILES {
        for line in i18n::source_of(Lang::Fr, file).lines() {
            if line.starts_with('#') || !line.contains(['=', ' ']) {
                continue;
            }
            let text = line.split_once(" = ").map_or(line, |(_, t)| t);
            // A placeable's own syntax (`NUMBER($n, minimumFractionDigits: 6)`) is not text.
            let text = placeable.replace_all(text, "{}");
            let mut in_code = false;
            let chars: Vec<char> = text.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if *c == '`' {
                    in_code = !in_code;
                }
                let before = if i > 0 { chars[i - 1] } else { ' ' };
                let after = chars.get(i + 1).copied().unwrap_or(' ');
                let nbsp = matches!(before, '\u{a0}' | '\u{202f}');
                let bad = match c {
                    ':' | ';' | '?' | '!' | '%' => !nbsp && after.is_whitespace() && !in_code,
                    '»' => !nbsp,
                    '«' => !matches!(after, '\u{a0}' | '\u{202f}'),
                    _ => false,
                };
                if bad {
                    wrong.push(format!("{}.ftl: {line}", file.name));
                    break;
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(Lang::Fr.dollars(1234.0), "1\u{202f}234\u{a0}$");
    assert_eq!(Lang::Fr.dec(1234.5, 1), "1\u{202f}234,5");
    assert_eq!(Lang::Fr.quarter_words("2025Q3"), "3e trimestre 2025");
}

/// What a literal may be inside without being a message: a log line to the
/// operator, the `Display` of an error whose words reach people through its
/// catalogue `message()`, a programming error (a panic, a broken invariant
/// polars reports), an I/O error's technical detail (shown inside a
/// translated frame, like OpenDP's and polars' own), or words another
/// library's English text is matched on.
const NOT_MESSAGES: &[&str] = &[
    "eprintln!(",
    "#[error(",
    "panic!(",
    "unreachable!(",
    ".expect(",
    "phrase(",
    "polars_bail!(",
    "io::Error::other(",
    ".split(",
];

/// No sentence in English is left in the Rust source: every word people
/// read is in the catalogues. The whole of `src/` is checked except unit
/// tests (`tests.rs`, and code after `#[cfg(test)]`) and the sample
/// generator, whose literals are the fictional agencies' own data (their
/// column names and codes, in English and French as they would export them).
#[test]
fn no_user_facing_english_is_left_in_rust_source() {
    let mut sources = Vec::new();
    files(&repo().join("src"), "rs", &mut sources);
    sources.retain(|p| !p.starts_with(repo().join("src/sample")) && !p.ends_with("tests.rs"));
    let literal = regex::Regex::new(r#"(?s)"((?:[^"\\]|\\.)*)""#).unwrap();
    let stop = [
        "the", "a", "an", "of", "to", "is", "are", "and", "or", "your", "this", "not", "be", "was",
        "has", "in", "for", "with", "no", "must", "cannot", "file",
    ];
    let mut found = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        // Quote characters that open no string: `'"'`, `b'"'`, raw strings.
        let raw = regex::Regex::new(r##"r#"(?s:.*?)"#"##).unwrap();
        let code = raw
            .replace_all(&without_comments(code), "")
            .replace("'\"'", "")
            .replace("'\\\"'", "");
        for c in literal.captures_iter(&code) {
            let words: Vec<&str> = c[1]
                .split(' ')
                .filter(|w| w.chars().all(|ch| ch.is_ascii_alphabetic()) && w.len() > 1)
                .collect();
            if words.len() < 3 || !words.iter().any(|w| stop.contains(w)) {
                continue;
            }
            // The statement the literal is in: back to the last `;`.
            let at = c.get(0).unwrap().start();
            let before = &code[code[..at].rfind(';').map_or(0, |i| i + 1)..at];
            if NOT_MESSAGES.iter().any(|m| before.contains(m)) {
                continue;
            }
            found.push(format!("{}: {}", path.display(), &c[1]));
        }
    }
    assert!(found.is_empty(), "English in Rust source: {found:#?}");
}

fn bad_extract(lang: &str, json: bool) -> crate::support::Run {
    let sample = repo().join("sample-data");
    let file = sample.join("bad/lakeshore-legal-clinic-2025Q2-bad.csv");
    let profile = sample.join("profiles/lakeshore-legal-clinic.toml");
    let mut args = vec![
        "validate",
        file.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--quarter",
        "2025Q2",
        "--lang",
        lang,
    ];
    if json {
        args.push("--json");
    }
    safecount(&repo(), &args)
}

/// English words of the report that must never appear in the French one.
const ENGLISH: &[&str] = &[
    "NOT ACCEPTED",
    "File:",
    "Profile:",
    "Problems in",
    " row ",
    " rows",
    "column ",
    "field ",
    " the ",
    "this ",
    " must ",
    "Allowed codes",
    "What to do",
    "Note:",
];

#[test]
fn the_bad_extract_is_reported_in_both_languages() {
    let en = bad_extract("en", false);
    let fr = bad_extract("fr", false);
    assert_eq!(en.code, 65, "{}{}", en.stdout, en.stderr);
    assert_eq!(fr.code, 65, "{}{}", fr.stdout, fr.stderr);
    assert!(en.stdout.contains("NOT ACCEPTED"), "{}", en.stdout);
    assert!(fr.stdout.contains("NON ACCEPTÉ\u{a0}:"), "{}", fr.stdout);
    for word in ENGLISH {
        assert!(!fr.stdout.contains(word), "{word:?} in\n{}", fr.stdout);
    }
    // Both show the same findings: the same lines, each in its language.
    assert_eq!(en.stdout.lines().count(), fr.stdout.lines().count());
    let en: serde_json::Value = serde_json::from_str(&bad_extract("en", true).stdout).unwrap();
    let fr: serde_json::Value = serde_json::from_str(&bad_extract("fr", true).stdout).unwrap();
    let errors = |v: &serde_json::Value| v["errors"].as_array().unwrap().clone();
    assert!(!errors(&en).is_empty());
    for (e, f) in errors(&en).iter().zip(errors(&fr).iter()) {
        assert_eq!(e["code"], f["code"]);
        assert_eq!(e["message_id"], f["message_id"], "a stable code");
        assert!(e["message_id"].as_str().is_some_and(|s| !s.is_empty()));
        assert_ne!(e["message"], f["message"], "{e} / {f}");
        assert!(f["message"].as_str().is_some_and(|s| !s.is_empty()));
    }
}

#[test]
fn the_language_follows_the_flag_the_environment_the_profile_and_the_locale() {
    let sample = repo().join("sample-data");
    let extract = sample.join("extracts/maison-esperance/maison-esperance-2025Q1.csv");
    let profile = sample.join("profiles/maison-esperance.toml");
    let prairie = sample.join("extracts/prairie-haven/prairie-haven-2025Q1.xlsx");
    let prairie_profile = sample.join("profiles/prairie-haven.toml");
    let validate = |file: &Path, profile: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "validate",
            file.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = safecount_with(&repo(), &args, env);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        run.stdout
    };
    let french = |s: &str| s.contains("le fichier est valide");
    let english = |s: &str| s.contains("OK: the file is valid");
    // Maison Espérance's profile says French.
    assert!(french(&validate(&extract, &profile, &[], &[])));
    assert!(english(&validate(
        &extract,
        &profile,
        &["--lang", "en"],
        &[]
    )));
    assert!(english(&validate(
        &extract,
        &profile,
        &[],
        &[("SAFECOUNT_LANG", "en")]
    )));
    // A profile without a language: the locale, LC_ALL ahead of LANG.
    assert!(english(&validate(&prairie, &prairie_profile, &[], &[])));
    assert!(french(&validate(
        &prairie,
        &prairie_profile,
        &[],
        &[("LANG", "fr_CA.UTF-8")]
    )));
    assert!(english(&validate(
        &prairie,
        &prairie_profile,
        &[],
        &[("LANG", "fr_CA.UTF-8"), ("LC_ALL", "en_CA.UTF-8")]
    )));
    assert!(french(&validate(
        &prairie,
        &prairie_profile,
        &["--lang", "fr"],
        &[]
    )));
    // A broken profile is explained in the chosen language, with its line.
    let dir = tempfile::tempdir().unwrap();
    let broken = crate::support::write(
        dir.path(),
        "broken.toml",
        "[agency]\nslug = \"x\"\nname = \"X\"\n[cases]\nperson_key = \"id\"\n[cases.fields.gendr]\ncolumn = \"Sexe\"\n",
    );
    let args = [
        "validate",
        prairie.to_str().unwrap(),
        "--profile",
        broken.to_str().unwrap(),
    ];
    let run = safecount_with(&repo(), &args, &[("SAFECOUNT_LANG", "fr")]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("broken.toml:6\u{a0}: [cases.fields.gendr]")
            && run.stderr.contains("vouliez-vous dire `gender`"),
        "{}",
        run.stderr
    );
    // An unknown language is a usage error naming the choices.
    let run = safecount(&repo(), &["--lang", "de", "schema"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("en, fr"), "{}", run.stderr);
}

#[test]
fn the_budget_statement_speaks_french() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let set = [
        "budget", "set", "--period", "2025Q3", "--rho", "0.5", "--store", store,
    ];
    let run = safecount_with(&repo(), &set, &[("LANG", "fr_CA.UTF-8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Budget de 2025Q3 fixé à rho = 0,5 par personne."),
        "{}",
        run.stdout
    );
    let run = safecount(&repo(), &["--lang", "fr", "budget", "--store", store]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for french in [
        "par personne",
        "restant",
        "0,5000",
        "a perdu rho = 0,0000",
        "Aucun plafond",
    ] {
        assert!(run.stdout.contains(french), "{french:?} in\n{}", run.stdout);
    }
    for english in ["lost", "remaining", "Lifetime", " the "] {
        assert!(
            !run.stdout.contains(english),
            "{english:?} in\n{}",
            run.stdout
        );
    }
    // The collaborative's other commands for agencies speak it too.
    let add = [
        "--lang",
        "fr",
        "agency",
        "add",
        "maison-esperance",
        "--store",
        store,
    ];
    let run = safecount(&repo(), &add);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Jeton de téléversement de maison-esperance"),
        "{}",
        run.stdout
    );
    let list = safecount(
        &repo(),
        &["--lang", "fr", "agency", "list", "--store", store],
    );
    assert!(list.stdout.contains("actif depuis le"), "{}", list.stdout);
}

/// `safecount --lang fr ARGS..` from the repository root.
fn in_french(args: &[&str]) -> crate::support::Run {
    let args: Vec<&str> = ["--lang", "fr"].iter().chain(args).copied().collect();
    safecount(&repo(), &args)
}

/// A researcher's preview of a pipeline, a pipeline's and a release's
/// errors, and a linkage secret, in French.
#[test]
fn the_dry_run_errors_and_key_speak_french() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let run = in_french(&["run", "pipelines/demo.toml", "--dry-run", "--store", store]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for french in [
        "Simulation de demo",
        "période",
        "aucun budget n'est encore fixé",
        "perdrait au plus",
        "0,0120",
    ] {
        assert!(run.stdout.contains(french), "{french:?} in\n{}", run.stdout);
    }
    for english in ["needs rho", "Dry run", " the ", "per person"] {
        assert!(
            !run.stdout.contains(english),
            "{english:?} in\n{}",
            run.stdout
        );
    }
    // A pipeline file's error, with its file and line; a release's refusal.
    let pipeline = |name: &str, table: &str| {
        let path = dir.path().join(name);
        let text = format!(
            "name = \"x\"\n[inputs]\nperiods = [\"2025Q1\"]\n[privacy]\nrho_per_period = 1\n[[tables]]\ntable = \"{table}\"\n"
        );
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let run = in_french(&["run", &pipeline("bad.toml", "peple"), "--dry-run"]);
    assert_eq!(run.code, 78);
    assert!(run.stderr.contains("bad.toml:7"), "{}", run.stderr);
    assert!(
        run.stderr.contains("n'est pas un tableau standard"),
        "{}",
        run.stderr
    );
    let run = in_french(&["run", &pipeline("people.toml", "people"), "--store", store]);
    assert_eq!(run.code, 65);
    assert!(
        run.stderr.contains("aucune soumission n'est enregistrée"),
        "{}",
        run.stderr
    );
    let secret = dir.path().join("secret.txt");
    let run = in_french(&["key", "--new-secret", secret.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Un nouveau secret de liaison"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_french_agency_submits_and_reads_its_receipt_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = crate::support::submit_command(&store, "maison-esperance", "csv", "cases")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Enregistré. Conservez ce reçu\u{a0}:"),
        "{stdout}"
    );
    assert!(stdout.contains("soumission"), "{stdout}");
    for word in ["Stored", "Keep this", "accepted", "records", "check it"] {
        assert!(!stdout.contains(word), "{word:?} in\n{stdout}");
    }
}

/// `--help` and usage errors follow the language like every other message:
/// the locale, or `--lang` anywhere on the line.
#[test]
fn help_and_usage_errors_speak_the_chosen_language() {
    let run = safecount_with(&repo(), &["validate", "--help"], &[("LANG", "fr_CA.UTF-8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for french in [
        "Utilisation",
        "Options\u{a0}:",
        "Le profil de l'organisme",
        "Afficher l'aide",
    ] {
        assert!(run.stdout.contains(french), "{french}: {}", run.stdout);
    }
    for english in ["Usage:", "Print help", "The agency profile", "[default:"] {
        assert!(!run.stdout.contains(english), "{english}: {}", run.stdout);
    }
    let run = safecount(&repo(), &["--help"]);
    assert!(run.stdout.contains("Usage:") && run.stdout.contains("Exit codes: 0 done"));
    let run = in_french(&["submit", "--nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("'--nope'") && run.stderr.contains("essayez"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("unexpected") && !run.stderr.contains("Usage"),
        "{}",
        run.stderr
    );
    let run = safecount(&repo(), &["valdate", "--lang", "fr"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Vouliez-vous dire 'validate'"),
        "{}",
        run.stderr
    );
}

/// The researchers' reference commands speak French too: the definitions
/// (their own `[fr]` words, and the rules in plain words), the canonical
/// schema and the pipeline schema.
#[test]
fn the_reference_commands_speak_french() {
    let run = in_french(&["definitions", "--explain", "CC_279_01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for french in [
        "Code criminel, L.R.C. (1985)",
        "En mots simples",
        "TOUS ces critères",
        "Champs qu'elle lit",
    ] {
        assert!(run.stdout.contains(french), "{french}: {}", run.stdout);
    }
    for english in ["In plain words", "ALL of", "Criminal Code, R.S.C."] {
        assert!(!run.stdout.contains(english), "{english}: {}", run.stdout);
    }
    let run = in_french(&["schema", "--kind", "returns"]);
    assert!(
        run.stdout.contains("Financement fédéral reçu ce trimestre"),
        "{}",
        run.stdout
    );
    let run = in_french(&["schema", "--format", "table-schema", "--kind", "cases"]);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        schema["title"],
        "dossiers de cas safecount (disposition canonique)"
    );
    let run = in_french(&["pipeline", "schema"]);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rho = &schema["properties"]["tables"]["items"]["properties"]["rho"]["description"];
    assert_eq!(rho, "Exactement ce rho par période pour ce tableau.");
    let english: serde_json::Value =
        serde_json::from_str(&safecount(&repo(), &["pipeline", "schema"]).stdout).unwrap();
    let rho = &english["properties"]["tables"]["items"]["properties"]["rho"]["description"];
    assert_eq!(rho, "Exactly this rho per period for this table.");
}
