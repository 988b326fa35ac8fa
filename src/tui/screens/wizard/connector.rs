//! The connector step's fields: an image reference (with completion) or a local command line
//! with the protocol it speaks, and how they become a [`Connector`].

use crate::connector::run::Protocol;
use crate::create::Connector;
use crate::tui::screens::form::LineEdit;

/// Where the connector comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A Docker image reference.
    Image,
    /// A program on this machine, run without a shell.
    Local,
}

/// The protocols a local command may speak, in the order the choice cycles through them.
pub const PROTOCOLS: [Protocol; 3] = [Protocol::FlowJson, Protocol::FlowProto, Protocol::Airbyte];

/// How a protocol is named on the connector step.
pub fn protocol_label(p: Protocol) -> &'static str {
    match p {
        Protocol::FlowJson => "Flow JSON",
        Protocol::FlowProto => "Flow protobuf",
        Protocol::Airbyte => "Airbyte",
    }
}

/// The connector step's values.
#[derive(Clone)]
pub struct ConnectorFields {
    pub origin: Origin,
    pub image: LineEdit,
    pub command: LineEdit,
    pub protocol: Protocol,
}

impl Default for ConnectorFields {
    fn default() -> Self {
        Self::new()
    }
}

impl ConnectorFields {
    /// Empty fields: an image to type.
    pub fn new() -> Self {
        ConnectorFields {
            origin: Origin::Image,
            image: LineEdit::new(String::new()),
            command: LineEdit::new(String::new()),
            protocol: Protocol::FlowJson,
        }
    }

    /// The connector the fields describe, or what is missing or wrong with them (a sentence
    /// saying what to do).
    pub fn value(&self) -> Result<Connector, String> {
        match self.origin {
            Origin::Image => {
                let image = self.image.text().trim().to_string();
                if image.is_empty() {
                    return Err("Type an image reference (Tab completes), e.g. ghcr.io/estuary/source-postgres:v1".into());
                }
                match crate::syntax::image::ImageRef::parse(&image) {
                    Ok(r) if r.tag.is_some() || r.digest.is_some() => Ok(Connector::Image(image)),
                    Ok(_) => Err(format!(
                        "{image} has no tag: add one (e.g. {image}:v1), as Docker would otherwise pull every tag"
                    )),
                    Err(e) => Err(format!("{image} is not an image reference: {e}")),
                }
            }
            Origin::Local => {
                let command = split_command(&self.command.text())?;
                if command.is_empty() {
                    return Err(
                        "Type the command that runs the connector (its program and arguments)"
                            .into(),
                    );
                }
                Ok(Connector::Local {
                    command,
                    protocol: self.protocol,
                })
            }
        }
    }
}

/// Splits a typed command line into its words as a shell would (spaces separate, single and
/// double quotes group, a backslash escapes the next character), without running a shell.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => match chars.next() {
                Some(n) => word.get_or_insert_with(String::new).push(n),
                None => return Err("the command ends with a lone backslash".into()),
            },
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("the command has an unclosed {q}"));
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_as_a_shell_would() {
        assert_eq!(
            split_command(r#"/bin/x connector 'a b' "c \"d\"" e\ f"#).unwrap(),
            vec!["/bin/x", "connector", "a b", "c \"d\"", "e f"]
        );
        assert_eq!(split_command("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_command("''").unwrap(), vec![""]);
        assert!(split_command("x 'y").unwrap_err().contains("unclosed"));
    }

    #[test]
    fn an_image_needs_a_tag() {
        let mut f = ConnectorFields::new();
        f.image = LineEdit::new("ghcr.io/estuary/source-postgres".into());
        assert!(f.value().unwrap_err().contains("has no tag"));
        f.image = LineEdit::new("ghcr.io/estuary/source-postgres:v1".into());
        assert_eq!(
            f.value().unwrap(),
            Connector::Image("ghcr.io/estuary/source-postgres:v1".into())
        );
    }
}
