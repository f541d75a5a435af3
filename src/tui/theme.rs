//! Themes: the three built into wskex (`themes/`, with `include_bytes!`), a `.tmTheme` path, or
//! a theme the user dropped into `<config dir>/themes/`. And the colour mode the flags, the
//! environment and the terminal ask for.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use syntect::highlighting::{Theme, ThemeSet};

use super::palette::{ColorDepth, Palette};

/// The built-in themes by name: the terminal-palette one first (the default).
const BUILT_IN: [(&str, &[u8]); 3] = [
    ("ansi", include_bytes!("../../themes/wskex-ansi.tmTheme")),
    ("dark", include_bytes!("../../themes/wskex-dark.tmTheme")),
    ("light", include_bytes!("../../themes/wskex-light.tmTheme")),
];

/// The theme used when none is chosen: the terminal's own colours.
pub const DEFAULT: &str = "ansi";

/// Why a theme could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme {0:?} (built in: ansi, dark, light; or a .tmTheme file)")]
    Unknown(String),
    #[error("{path}: not a usable .tmTheme: {reason}")]
    Unreadable { path: String, reason: String },
}

/// wskex's config directory: `WSKEX_CONFIG_DIR`, else the platform's (`~/.config/wskex`).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("WSKEX_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "wskex").map(|d| d.config_dir().to_path_buf())
}

/// Every theme the picker offers: the built-in ones, then the `.tmTheme` files of
/// `<config dir>/themes/` by name, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    let mut user: Vec<String> = config_dir()
        .and_then(|d| std::fs::read_dir(d.join("themes")).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "tmTheme")
                .then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .filter(|n| !names.contains(n))
        .collect();
    user.sort();
    names.extend(user);
    names
}

/// A built-in theme.
pub fn built_in(name: &str) -> Option<Theme> {
    let (_, bytes) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
    ThemeSet::load_from_reader(&mut Cursor::new(*bytes)).ok()
}

fn from_file(path: &Path) -> Result<Theme, ThemeError> {
    ThemeSet::get_theme(path).map_err(|e| ThemeError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The theme `choice` names: a built-in name, a path, or a name in `<config dir>/themes/`.
pub fn load(choice: &str) -> Result<Theme, ThemeError> {
    if let Some(theme) = built_in(choice) {
        return Ok(theme);
    }
    let path = Path::new(choice);
    if path.is_file() {
        return from_file(path);
    }
    if let Some(dir) = config_dir() {
        let user = dir.join("themes").join(format!("{choice}.tmTheme"));
        if user.is_file() {
            return from_file(&user);
        }
    }
    Err(ThemeError::Unknown(choice.to_string()))
}

/// `--color`: how many colours to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorMode {
    /// `NO_COLOR` means none; truecolor when `COLORTERM` says so; else 256.
    #[default]
    Auto,
    Truecolor,
    #[value(name = "256")]
    Ansi256,
    #[value(name = "16")]
    Ansi16,
    None,
}

impl ColorMode {
    /// The depth to draw at: the flag first, then `NO_COLOR`, then what the terminal says.
    pub fn depth(self) -> ColorDepth {
        match self {
            ColorMode::Auto => ColorDepth::from_env(),
            ColorMode::Truecolor => ColorDepth::TrueColor,
            ColorMode::Ansi256 => ColorDepth::Ansi256,
            ColorMode::Ansi16 => ColorDepth::Ansi16,
            ColorMode::None => ColorDepth::Monochrome,
        }
    }
}

/// The palette for a theme choice (the default theme when `None`) at a colour mode.
pub fn palette(choice: Option<&str>, mode: ColorMode) -> Result<Palette, ThemeError> {
    let depth = mode.depth();
    let theme = load(choice.unwrap_or(DEFAULT))?;
    if depth == ColorDepth::Monochrome {
        return Ok(Palette::monochrome());
    }
    Ok(Palette::from_theme(&theme, depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_load_and_unknown_names_say_so() {
        for (name, _) in BUILT_IN {
            let theme = built_in(name).unwrap_or_else(|| panic!("{name} loads"));
            assert!(theme.settings.foreground.is_some(), "{name}");
        }
        let err = load("no-such-theme").unwrap_err();
        assert!(err.to_string().contains("no-such-theme"), "{err}");
    }

    #[test]
    fn a_theme_file_that_is_not_a_theme_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.tmTheme");
        std::fs::write(&path, "<plist>not a theme").unwrap();
        let err = load(path.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("bad.tmTheme"), "{err}");
    }

    #[test]
    fn color_modes_pick_depths() {
        assert_eq!(ColorMode::None.depth(), ColorDepth::Monochrome);
        assert_eq!(ColorMode::Ansi16.depth(), ColorDepth::Ansi16);
        assert_eq!(ColorMode::Truecolor.depth(), ColorDepth::TrueColor);
    }
}
