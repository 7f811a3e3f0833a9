//! A message not yet put into words: its catalogue id and its variables.
//! Findings are recorded this way while a file is read, and written in the
//! reader's language only when a report shows them, so a million-row file
//! formats no sentence it does not show, and a report read back from the
//! server can be shown in the language of whoever reads it.

use super::Lang;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One variable of a message: a number (plural rules and number formats
/// apply), a text (a column label, a field, a code, a file name), or
/// another message written in the same language (a reason inside a sentence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Number(f64),
    Text(String),
    Message(Box<Message>),
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(Box::new(m))
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize, f64);

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

/// The variables of a message, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Args(pub BTreeMap<String, Arg>);

impl Args {
    pub fn new() -> Args {
        Args::default()
    }

    /// This set with one more variable.
    pub fn with(mut self, name: &str, value: impl Into<Arg>) -> Args {
        self.0.insert(name.to_string(), value.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn to_fluent(&self, lang: Lang) -> fluent_bundle::FluentArgs<'_> {
        let mut out = fluent_bundle::FluentArgs::with_capacity(self.0.len());
        for (name, value) in &self.0 {
            match value {
                Arg::Number(n) => out.set(name.as_str(), *n),
                Arg::Text(s) => out.set(name.as_str(), s.as_str()),
                Arg::Message(m) => out.set(name.as_str(), m.render(lang)),
            }
        }
        out
    }
}

/// A catalogue id with its variables; the id is stable across releases, so
/// programs may match on it whatever the language. Serialised as
/// `message_id`, `args` and, once [`Message::localise`]d, `message`: the
/// words in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    #[serde(rename = "message_id")]
    pub id: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "Args::is_empty")]
    pub args: Args,
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Message {
    pub fn new(id: &'static str) -> Message {
        Message {
            id: Cow::Borrowed(id),
            args: Args::new(),
            text: None,
        }
    }

    /// This message with one more variable.
    pub fn with(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args = self.args.with(name, value);
        self
    }

    /// A problem in a configuration file: `id` names the kind of file, with
    /// its path and line, then `message`, what is wrong there.
    pub fn at_line(
        id: &'static str,
        file: &std::path::Path,
        line: usize,
        message: &Message,
    ) -> Message {
        Message::new(id)
            .with("file", file.display().to_string())
            .with("line", line.to_string())
            .with("message", message.clone())
    }

    /// "Did you mean …" when there is a suggestion, else nothing: a variable
    /// a message places after a name.
    pub fn optional(message: Option<Message>) -> Arg {
        message.map_or_else(|| Arg::Text(String::new()), Arg::from)
    }

    /// The message written in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        lang.msg(&self.id, &self.args)
    }

    /// Write the words in `lang` into the message, for a serialised answer.
    pub fn localise(&mut self, lang: Lang) {
        self.text = Some(self.render(lang));
    }
}
