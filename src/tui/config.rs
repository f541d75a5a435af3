//! `config.toml` in wskex's config directory (`~/.config/wskex/`, or `WSKEX_CONFIG_DIR`): the
//! theme, colour mode, mouse and ASCII defaults. Flags win over it, and `NO_COLOR` too.
//!
//! Only flat `key = value` lines are read (strings in double quotes, `true`/`false`), which is
//! all these settings need; anything else is one clear error naming file:line.

use std::path::Path;

use super::theme::{self, ColorMode};

/// What the config file sets (each `None` when it does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub theme: Option<String>,
    pub color: Option<ColorMode>,
    pub mouse: Option<bool>,
    pub ascii: Option<bool>,
}

/// A config file wskex cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{path}:{line}: {reason}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub reason: String,
}

/// The config file, or the defaults when there is none.
pub fn load() -> Result<Config, ConfigError> {
    let Some(dir) = theme::config_dir() else {
        return Ok(Config::default());
    };
    let path = dir.join("config.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError {
            path: path.display().to_string(),
            line: 0,
            reason: e.to_string(),
        }),
    }
}

enum Value {
    Text(String),
    Bool(bool),
}

fn value(raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix('"') {
        let end = rest.find('"').ok_or("a string without its closing quote")?;
        let after = rest[end + 1..].trim();
        if !(after.is_empty() || after.starts_with('#')) {
            return Err(format!("unexpected text after the string: {after}"));
        }
        return Ok(Value::Text(rest[..end].to_string()));
    }
    let bare = raw.split('#').next().unwrap_or("").trim();
    match bare {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        other => Err(format!(
            "expected a \"string\" or true/false, found {:?}",
            other
        )),
    }
}

/// Parses config text; `path` names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    for (i, line) in text.lines().enumerate() {
        let fail = |reason: String| ConfigError {
            path: path.display().to_string(),
            line: i + 1,
            reason,
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, raw) = trimmed
            .split_once('=')
            .ok_or_else(|| fail("expected key = value".into()))?;
        let key = key.trim();
        let v = value(raw).map_err(fail)?;
        match (key, v) {
            ("theme", Value::Text(t)) => config.theme = Some(t),
            ("color", Value::Text(c)) => {
                let mode = <ColorMode as clap::ValueEnum>::from_str(&c, true).map_err(|_| {
                    fail(format!(
                        "color {c:?} is not one of auto, truecolor, 256, 16, none"
                    ))
                })?;
                config.color = Some(mode);
            }
            ("mouse", Value::Bool(b)) => config.mouse = Some(b),
            ("ascii", Value::Bool(b)) => config.ascii = Some(b),
            ("theme" | "color", Value::Bool(_)) => {
                return Err(fail(format!("{key} takes a \"string\"")));
            }
            ("mouse" | "ascii", Value::Text(_)) => {
                return Err(fail(format!("{key} takes true or false")));
            }
            (other, _) => {
                return Err(fail(format!(
                    "unknown setting {:?} (known: theme, color, mouse, ascii)",
                    crate::safe_text::one_line(other)
                )));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_and_comments() {
        let text = "# wskex\ntheme = \"light\" # bright room\ncolor = \"256\"\nmouse = false\nascii = true\n";
        let c = parse(text, Path::new("config.toml")).unwrap();
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(c.color, Some(ColorMode::Ansi256));
        assert_eq!(c.mouse, Some(false));
        assert_eq!(c.ascii, Some(true));
    }

    #[test]
    fn a_malformed_line_is_one_error_naming_file_and_line() {
        for (text, line) in [
            ("theme = \"dark\"\ncolour = \"256\"\n", 2),
            ("[tui]\n", 1),
            ("\n\nmouse = maybe\n", 3),
            ("color = \"many\"\n", 1),
            ("theme = \"dark\n", 1),
        ] {
            let err = parse(text, Path::new("/x/config.toml")).unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
            let shown = err.to_string();
            assert!(
                shown.starts_with(&format!("/x/config.toml:{line}: ")),
                "{shown}"
            );
            assert_eq!(shown.lines().count(), 1);
        }
    }
}
