//! The rule language of definition files, and its parser.
//!
//! ```text
//! rule   := or
//! or     := and ("or" and)*
//! and    := unary ("and" unary)*
//! unary  := "not" unary | atom
//! atom   := "(" rule ")"
//!         | "proxy" "(" rule "," rule ")"
//!         | FIELD "has_any" "[" code ("," code)* "]"     -- set fields
//!         | FIELD "in" "[" code ("," code)* "]"          -- code fields
//!         | FIELD "=" code                                -- code fields
//!         | FIELD "is" "unknown"
//!         | NAME                                          -- a policy set or definition
//! ```
//! Names and codes are words of letters, digits, `_`, `-` and `+` (so age
//! bands such as `9-17` and `48+` are codes). Every node remembers its byte
//! offset in the rule text so errors can point at it.

use crate::i18n::Message;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    HasAny {
        field: String,
        codes: Vec<String>,
        at: usize,
    },
    In {
        field: String,
        codes: Vec<String>,
        at: usize,
    },
    IsUnknown {
        field: String,
        at: usize,
    },
    Ref {
        name: String,
        at: usize,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// `proxy(strict, stand_in)`: the stand-in may replace the strict test when it is unknown.
    Proxy(Box<Node>, Box<Node>),
}

/// Where a rule stops parsing (a byte offset) and what was wrong, as a
/// catalogue message (`rule-*`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub at: usize,
    pub message: Message,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message.render(crate::i18n::Lang::En))
    }
}

/// "expected" and what, by the id of what.
fn expected(at: usize, what: &'static str) -> ParseError {
    ParseError {
        at,
        message: Message::new("rule-expected").with("what", Message::new(what)),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
    Equals,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let tok = match c {
            c if c.is_whitespace() => {
                chars.next();
                continue;
            }
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
                continue;
            }
            '(' => Tok::Open,
            ')' => Tok::Close,
            '[' => Tok::OpenList,
            ']' => Tok::CloseList,
            ',' => Tok::Comma,
            '=' => Tok::Equals,
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+' => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '+' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Tok::Word(word), i));
                continue;
            }
            other => {
                return Err(ParseError {
                    at: i,
                    message: Message::new("rule-unexpected-character")
                        .with("character", other.to_string()),
                });
            }
        };
        chars.next();
        out.push((tok, i));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "has_any", "in", "is", "unknown", "proxy",
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map(|(_, a)| *a).unwrap_or(self.end)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn expect(&mut self, tok: Tok, what: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(&tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(expected(self.at(), what))
        }
    }

    fn word(&mut self, what: &'static str) -> Result<(String, usize), ParseError> {
        match self.toks.get(self.pos) {
            Some((Tok::Word(w), at)) if !KEYWORDS.contains(&w.as_str()) => {
                self.pos += 1;
                Ok((w.clone(), *at))
            }
            _ => Err(expected(self.at(), what)),
        }
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        let mut left = self.and()?;
        while self.is_word("or") {
            self.pos += 1;
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, ParseError> {
        let mut left = self.unary()?;
        while self.is_word("and") {
            self.pos += 1;
            left = Node::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        if self.is_word("not") {
            self.pos += 1;
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn codes(&mut self) -> Result<Vec<String>, ParseError> {
        self.expect(Tok::OpenList, "rule-what-list")?;
        let mut codes = vec![self.word("rule-what-code")?.0];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            if self.peek() == Some(&Tok::CloseList) {
                break;
            }
            codes.push(self.word("rule-what-code")?.0);
        }
        self.expect(Tok::CloseList, "rule-what-list-end")?;
        Ok(codes)
    }

    fn atom(&mut self) -> Result<Node, ParseError> {
        if self.peek() == Some(&Tok::Open) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Tok::Close, "rule-what-close")?;
            return Ok(inner);
        }
        if self.is_word("proxy") {
            self.pos += 1;
            self.expect(Tok::Open, "rule-what-proxy-open")?;
            let strict = self.or()?;
            self.expect(Tok::Comma, "rule-what-proxy-comma")?;
            let stand_in = self.or()?;
            self.expect(Tok::Close, "rule-what-proxy-close")?;
            return Ok(Node::Proxy(Box::new(strict), Box::new(stand_in)));
        }
        let (name, at) = self.word("rule-what-name")?;
        if self.is_word("has_any") {
            self.pos += 1;
            return Ok(Node::HasAny {
                field: name,
                codes: self.codes()?,
                at,
            });
        }
        if self.is_word("in") {
            self.pos += 1;
            return Ok(Node::In {
                field: name,
                codes: self.codes()?,
                at,
            });
        }
        if self.peek() == Some(&Tok::Equals) {
            self.pos += 1;
            let (code, _) = self.word("rule-what-code-after-equals")?;
            return Ok(Node::In {
                field: name,
                codes: vec![code],
                at,
            });
        }
        if self.is_word("is") {
            self.pos += 1;
            if !self.is_word("unknown") {
                return Err(expected(self.at(), "rule-what-unknown"));
            }
            self.pos += 1;
            return Ok(Node::IsUnknown { field: name, at });
        }
        Ok(Node::Ref { name, at })
    }
}

/// Parse a rule.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: text.len(),
    };
    let node = p.or()?;
    if p.pos != p.toks.len() {
        return Err(ParseError {
            at: p.at(),
            message: Message::new("rule-trailing-text"),
        });
    }
    Ok(node)
}

impl Node {
    /// Visit every node, depth first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match self {
            Node::And(a, b) | Node::Or(a, b) | Node::Proxy(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Node::Not(a) => a.walk(f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_precedence_and_forms() {
        let n = parse("a has_any [x, y] or b = yes and not c is unknown").unwrap();
        match n {
            Node::Or(left, right) => {
                assert!(matches!(*left, Node::HasAny { ref codes, .. } if codes == &["x", "y"]));
                assert!(matches!(*right, Node::And(_, _)));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(parse("age_band in [0-8, 9-17, 48+]").unwrap(), Node::In { ref codes, .. } if codes[2] == "48+")
        );
        assert!(matches!(
            parse("proxy(a = yes, B)").unwrap(),
            Node::Proxy(_, _)
        ));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("acts has_any [recruit").unwrap_err();
        assert_eq!(e.at, 21);
        let e = parse("A B").unwrap_err();
        assert_eq!(e.at, 2);
        assert!(parse("acts has_any []").is_err());
        assert!(parse("a = ").is_err());
    }
}
