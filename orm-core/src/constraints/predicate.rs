//! The text of a condition, parsed: leaves in Django's lookup syntax joined
//! by `&`, `|` and `~`.
//!
//! ```text
//! price__gte=0 & (stock__gt=0 | ~is_active=true) & ends__gte=F(starts)
//! ```
//!
//! A leaf is a name (`field` or `field__lookup`), `=`, and a JSON value
//! (`0`, `2.5`, `"draft"`, `true`, `null`, `["a", "b"]` for `__in` and
//! `__range`) or `F(field)`, another field of the same row. `&` binds
//! tighter than `|`; `~` negates what follows; parentheses group.

use std::fmt;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// One comparison.
    Leaf(Leaf),
    /// All must hold.
    And(Vec<Predicate>),
    /// One must hold.
    Or(Vec<Predicate>),
    /// Must not hold.
    Not(Box<Predicate>),
}

/// `name=value`: a field and lookup, and what it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// `field` or `field__lookup`.
    pub name: String,
    /// The right-hand side.
    pub value: Operand,
}

/// The right-hand side of a leaf.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A constant, written as JSON.
    Json(serde_json::Value),
    /// Another field of the row: `F(name)`.
    Field(String),
}

impl Predicate {
    /// Parses `text`; the error says what was expected and where.
    pub fn parse(text: &str) -> Result<Predicate, String> {
        let mut parser = Parser { text, at: 0 };
        let predicate = parser.or()?;
        parser.skip_spaces();
        if parser.at < text.len() {
            return Err(parser.expected("`&`, `|` or the end"));
        }
        Ok(predicate)
    }

    /// Every leaf, left to right.
    pub fn leaves(&self) -> Vec<&Leaf> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Leaf>) {
        match self {
            Predicate::Leaf(leaf) => out.push(leaf),
            Predicate::And(all) | Predicate::Or(all) => {
                all.iter().for_each(|p| p.collect(out));
            }
            Predicate::Not(inner) => inner.collect(out),
        }
    }

    /// The same condition with the field `from` called `to` (in leaf names
    /// and in `F(...)`).
    pub fn rename_field(&self, from: &str, to: &str) -> Predicate {
        let rename = |name: &str| -> String {
            match name.split_once("__") {
                Some((first, rest)) if first == from => format!("{to}__{rest}"),
                None if name == from => to.to_owned(),
                _ => name.to_owned(),
            }
        };
        match self {
            Predicate::Leaf(leaf) => Predicate::Leaf(Leaf {
                name: rename(&leaf.name),
                value: match &leaf.value {
                    Operand::Field(other) => Operand::Field(rename(other)),
                    json => json.clone(),
                },
            }),
            Predicate::And(all) => {
                Predicate::And(all.iter().map(|p| p.rename_field(from, to)).collect())
            }
            Predicate::Or(any) => {
                Predicate::Or(any.iter().map(|p| p.rename_field(from, to)).collect())
            }
            Predicate::Not(inner) => Predicate::Not(Box::new(inner.rename_field(from, to))),
        }
    }

    /// The field names the condition reads (the part of each name before
    /// its first `__`), in order of appearance, each once.
    pub fn fields(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for leaf in self.leaves() {
            let own = leaf.name.split("__").next().unwrap_or_default();
            let other = match &leaf.value {
                Operand::Field(other) => Some(other.as_str()),
                Operand::Json(_) => None,
            };
            for name in std::iter::once(own).chain(other) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// The text the condition is parsed from, spaced the one way: writing
/// and parsing again gives the same condition.
impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = |f: &mut fmt::Formatter<'_>, parts: &[Predicate], sep: &str| {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                match part {
                    Predicate::And(_) | Predicate::Or(_) => write!(f, "({part})")?,
                    _ => write!(f, "{part}")?,
                }
            }
            Ok(())
        };
        match self {
            Predicate::Leaf(leaf) => match &leaf.value {
                Operand::Json(value) => write!(f, "{}={value}", leaf.name),
                Operand::Field(other) => write!(f, "{}=F({other})", leaf.name),
            },
            Predicate::And(all) => joined(f, all, " & "),
            Predicate::Or(any) => joined(f, any, " | "),
            Predicate::Not(inner) => match inner.as_ref() {
                Predicate::Leaf(_) | Predicate::Not(_) => write!(f, "~{inner}"),
                _ => write!(f, "~({inner})"),
            },
        }
    }
}

/// A recursive-descent parser over the text.
struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: char) -> bool {
        self.skip_spaces();
        if self.rest().starts_with(token) {
            self.at += token.len_utf8();
            true
        } else {
            false
        }
    }

    fn expected(&self, what: &str) -> String {
        let found: String = self.rest().chars().take(12).collect();
        if found.is_empty() {
            format!("expected {what} at the end")
        } else {
            format!("expected {what} at `{found}` (byte {})", self.at)
        }
    }

    /// `and ('|' and)*`
    fn or(&mut self) -> Result<Predicate, String> {
        let mut any = vec![self.and()?];
        while self.eat('|') {
            any.push(self.and()?);
        }
        Ok(if any.len() == 1 {
            any.remove(0)
        } else {
            Predicate::Or(any)
        })
    }

    /// `unary ('&' unary)*`
    fn and(&mut self) -> Result<Predicate, String> {
        let mut all = vec![self.unary()?];
        while self.eat('&') {
            all.push(self.unary()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Predicate::And(all)
        })
    }

    /// `'~' unary | '(' or ')' | leaf`
    fn unary(&mut self) -> Result<Predicate, String> {
        if self.eat('~') {
            return Ok(Predicate::Not(Box::new(self.unary()?)));
        }
        if self.eat('(') {
            let inner = self.or()?;
            if !self.eat(')') {
                return Err(self.expected("`)`"));
            }
            return Ok(inner);
        }
        self.leaf().map(Predicate::Leaf)
    }

    /// `name '=' value`
    fn leaf(&mut self) -> Result<Leaf, String> {
        let name = self.name("a field name, `(` or `~`")?;
        if !self.eat('=') {
            return Err(self.expected("`=` after the name"));
        }
        self.skip_spaces();
        if self.rest().starts_with("F(") {
            self.at += 2;
            let other = self.name("a field name in `F(...)`")?;
            if !self.eat(')') {
                return Err(self.expected("`)` closing `F(`"));
            }
            return Ok(Leaf {
                name,
                value: Operand::Field(other),
            });
        }
        let rest = self.rest();
        // Text and lists end themselves; a number or a word ends where the
        // condition goes on.
        let parsed = if rest.starts_with(['"', '[']) {
            let mut values = serde_json::Deserializer::from_str(rest).into_iter();
            values
                .next()
                .and_then(Result::ok)
                .map(|value| (value, values.byte_offset()))
        } else {
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '&' | '|' | ')'))
                .unwrap_or(rest.len());
            serde_json::from_str(&rest[..len])
                .ok()
                .map(|value| (value, len))
        };
        match parsed {
            Some((value, len)) => {
                self.at += len;
                Ok(Leaf {
                    name,
                    value: Operand::Json(value),
                })
            }
            None => Err(self
                .expected("a value (a number, \"text\", true, false, null, a [list] or F(field))")),
        }
    }

    /// An identifier: letters, digits and `_`, not starting with a digit.
    fn name(&mut self, what: &str) -> Result<String, String> {
        self.skip_spaces();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = rest[..len].to_owned();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.expected(what));
        }
        self.at += len;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_round_trip() {
        let text = "price__gte=0 & (stock__gt=0 | ~active=true) & ends__gte=F(starts)";
        let parsed = Predicate::parse(text).unwrap();
        let Predicate::And(parts) = &parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(parts.len(), 3);
        assert!(matches!(parts[1], Predicate::Or(_)));
        assert_eq!(parsed.to_string(), text);
        assert_eq!(Predicate::parse(&parsed.to_string()).unwrap(), parsed);
        let loose = Predicate::parse("a=1|b=2&c=3").unwrap();
        assert_eq!(loose.to_string(), "a=1 | (b=2 & c=3)");
    }

    #[test]
    fn values() {
        let parsed = Predicate::parse(r#"status__in=["a", "b,c"] & note=null & x=-1.5"#).unwrap();
        let leaves = parsed.leaves();
        assert_eq!(
            leaves[0].value,
            Operand::Json(serde_json::json!(["a", "b,c"]))
        );
        assert_eq!(leaves[1].value, Operand::Json(serde_json::Value::Null));
        assert_eq!(leaves[2].value, Operand::Json(serde_json::json!(-1.5)));
        assert_eq!(parsed.fields(), ["status", "note", "x"]);
    }

    #[test]
    fn errors_say_where() {
        assert!(Predicate::parse("price__gte")
            .unwrap_err()
            .contains("expected `=` after the name at the end"));
        assert!(Predicate::parse("price=0 &")
            .unwrap_err()
            .starts_with("expected a field name"));
        assert!(Predicate::parse("price=zero")
            .unwrap_err()
            .contains("at `zero`"));
        assert!(Predicate::parse("(a=1").unwrap_err().contains("`)`"));
        assert!(Predicate::parse("a=1 b=2")
            .unwrap_err()
            .contains("`&`, `|`"));
    }

    #[test]
    fn renames_fields() {
        let parsed = Predicate::parse("ends__gte=F(starts) & starts=1").unwrap();
        assert_eq!(
            parsed.rename_field("starts", "begins").to_string(),
            "ends__gte=F(begins) & begins=1"
        );
    }
}
