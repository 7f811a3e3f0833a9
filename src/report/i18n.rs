//! The report's words are in the catalogues (`i18n/<lang>/report.ftl` and
//! `codes.ftl`), read through [`crate::i18n`]; the report names its
//! language with the same type.

pub use crate::i18n::Lang;
