//! Semantic styles. Colours come from the terminal's own 16-colour palette so light and dark
//! backgrounds both work; `NO_COLOR` switches to a monochrome theme in which selection and
//! focus stay visible through reverse video, bold and underline.

use ratatui::style::{Color, Modifier, Style};

/// Every style the UI uses, named by meaning rather than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub muted: Style,
    pub title: Style,
    pub accent: Style,
    pub selection: Style,
    /// Selection in a pane that does not have the focus.
    pub selection_dim: Style,
    pub focus_border: Style,
    pub border: Style,
    pub error: Style,
    pub warning: Style,
    pub success: Style,
    pub disabled: Style,
    pub key: Style,
    pub added: Style,
    pub removed: Style,
    pub hunk: Style,
    pub matched: Style,
    pub dirty: Style,
}

impl Theme {
    /// The default theme, using ANSI colours.
    pub fn color() -> Self {
        Theme {
            base: Style::new(),
            muted: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Cyan),
            selection: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            selection_dim: Style::new().add_modifier(Modifier::REVERSED),
            focus_border: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warning: Style::new().fg(Color::Yellow),
            success: Style::new().fg(Color::Green),
            disabled: Style::new().fg(Color::DarkGray),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            added: Style::new().fg(Color::Green),
            removed: Style::new().fg(Color::Red),
            hunk: Style::new().fg(Color::Magenta),
            matched: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            dirty: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        }
    }

    /// Monochrome: no colour at all, meaning carried by modifiers.
    pub fn mono() -> Self {
        let plain = Style::new();
        Theme {
            base: plain,
            muted: plain,
            title: plain.add_modifier(Modifier::BOLD),
            accent: plain,
            selection: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selection_dim: plain.add_modifier(Modifier::REVERSED),
            focus_border: plain.add_modifier(Modifier::BOLD),
            border: plain,
            error: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            warning: plain.add_modifier(Modifier::BOLD),
            success: plain,
            disabled: plain.add_modifier(Modifier::DIM),
            key: plain.add_modifier(Modifier::BOLD),
            added: plain.add_modifier(Modifier::BOLD),
            removed: plain.add_modifier(Modifier::DIM),
            hunk: plain.add_modifier(Modifier::UNDERLINED),
            matched: plain.add_modifier(Modifier::UNDERLINED),
            dirty: plain.add_modifier(Modifier::BOLD),
        }
    }

    /// The theme the environment asks for: monochrome when `NO_COLOR` is set and non-empty.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::color(),
        }
    }
}
