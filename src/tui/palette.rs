//! Colours: a syntect theme turned into ratatui styles, at the colour depth the terminal has.
//!
//! The UI palette (selection, changed, pass, fail, focus border) comes from the theme's
//! settings and scopes, so a theme changes the whole screen, not just the XML. `NO_COLOR` gives
//! a monochrome palette that keeps every highlight visible with bold, reverse and underline.

use ratatui::style::{Color, Modifier, Style};
use syntect::highlighting::{
    Color as ThemeColor, FontStyle, Highlighter, Style as ThemeStyle, Theme, ThemeSet,
};
use syntect::parsing::Scope;

use super::syntax::TokenKind;

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// 24-bit colour, only when the terminal announces it (`COLORTERM=truecolor`).
    TrueColor,
    /// The 256-colour palette: RGB is converted to the nearest entry.
    Ansi256,
    /// The 16 ANSI colours only: RGB is converted to the nearest of them.
    Ansi16,
    /// No colour at all (`NO_COLOR`): bold, reverse and underline only.
    Monochrome,
}

impl ColorDepth {
    /// What the environment says: `NO_COLOR` wins, truecolor only when announced.
    pub fn from_env() -> ColorDepth {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorDepth::Monochrome;
        }
        match std::env::var("COLORTERM").as_deref() {
            Ok("truecolor") | Ok("24bit") => ColorDepth::TrueColor,
            _ => ColorDepth::Ansi256,
        }
    }
}

/// Every style the panes use.
#[derive(Debug, Clone)]
pub struct Palette {
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub focus_border: Style,
    pub selection: Style,
    pub changed: Style,
    pub search: Style,
    pub pass: Style,
    pub fail: Style,
    pub gutter: Style,
    pub key_hint: Style,
    tokens: [Style; TokenKind::COUNT],
}

/// The theme every build has: bundled with syntect under the MIT licence.
pub const DEFAULT_THEME: &str = "base16-ocean.dark";

impl Palette {
    /// syntect's bundled `base16-ocean.dark` at `depth` (benches and tests that want RGB).
    pub fn default_for(depth: ColorDepth) -> Palette {
        if depth == ColorDepth::Monochrome {
            return Palette::monochrome();
        }
        let themes = ThemeSet::load_defaults();
        Palette::from_theme(&themes.themes[DEFAULT_THEME], depth)
    }

    /// The palette of `theme`, converted to `depth`.
    pub fn from_theme(theme: &Theme, depth: ColorDepth) -> Palette {
        let convert = |c: Option<ThemeColor>| c.map(|c| to_color(c, depth));
        let highlighter = Highlighter::new(theme);
        let scope_style = |scope: &str| {
            let scope = Scope::new(scope).expect("a valid scope literal");
            to_style(highlighter.style_for_stack(&[scope]), depth)
        };
        let settings = &theme.settings;
        let fg = convert(settings.foreground).unwrap_or(Color::Reset);
        let bg = convert(settings.background).unwrap_or(Color::Reset);
        let base = Style::default().fg(fg).bg(bg);
        let selection_bg = convert(settings.selection).unwrap_or(Color::DarkGray);
        let accent = convert(settings.caret).unwrap_or(fg);
        let gutter_fg = convert(settings.gutter_foreground).unwrap_or(Color::DarkGray);
        let fg_of = |scope: &str, fallback: Color| scope_style(scope).fg.unwrap_or(fallback);
        let pass = fg_of("markup.inserted", Color::Green);
        let fail = fg_of("markup.deleted", Color::Red);
        let changed = fg_of("markup.changed", Color::Yellow);
        let keyword = fg_of("keyword", accent);
        let mut tokens = [base; TokenKind::COUNT];
        for kind in TokenKind::ALL {
            tokens[kind as usize] = base.patch(scope_style(kind.scope()));
        }
        Palette {
            base,
            dim: base.fg(gutter_fg),
            title: base.add_modifier(Modifier::BOLD),
            border: base.fg(gutter_fg),
            focus_border: base.fg(keyword).add_modifier(Modifier::BOLD),
            selection: Style::default()
                .bg(selection_bg)
                .add_modifier(Modifier::BOLD),
            changed: Style::default()
                .add_modifier(Modifier::UNDERLINED)
                .fg(changed),
            search: Style::default().bg(changed).fg(bg_or_black(bg)),
            pass: Style::default().fg(pass),
            fail: Style::default().fg(fail).add_modifier(Modifier::BOLD),
            gutter: base.fg(gutter_fg),
            key_hint: base.fg(keyword).add_modifier(Modifier::BOLD),
            tokens,
        }
    }

    /// No colour: every highlight is bold, reverse or underline, so nothing is lost.
    pub fn monochrome() -> Palette {
        let plain = Style::default();
        let mut tokens = [plain; TokenKind::COUNT];
        tokens[TokenKind::TagName as usize] = plain.add_modifier(Modifier::BOLD);
        tokens[TokenKind::TagPrefix as usize] = plain.add_modifier(Modifier::BOLD);
        tokens[TokenKind::Comment as usize] = plain.add_modifier(Modifier::DIM);
        Palette {
            base: plain,
            dim: plain.add_modifier(Modifier::DIM),
            title: plain.add_modifier(Modifier::BOLD),
            border: plain,
            focus_border: plain.add_modifier(Modifier::BOLD),
            selection: plain.add_modifier(Modifier::REVERSED),
            changed: plain.add_modifier(Modifier::UNDERLINED),
            search: plain.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
            pass: plain,
            fail: plain.add_modifier(Modifier::BOLD),
            gutter: plain.add_modifier(Modifier::DIM),
            key_hint: plain.add_modifier(Modifier::BOLD),
            tokens,
        }
    }

    /// The style of an XML token.
    pub fn token(&self, kind: TokenKind) -> Style {
        self.tokens[kind as usize]
    }
}

fn bg_or_black(bg: Color) -> Color {
    match bg {
        Color::Reset => Color::Black,
        c => c,
    }
}

/// A syntect style as a ratatui style: colours at `depth`, bold/italic/underline kept.
fn to_style(style: ThemeStyle, depth: ColorDepth) -> Style {
    let mut out = Style::default().fg(to_color(style.foreground, depth));
    let f = style.font_style;
    if f.contains(FontStyle::BOLD) {
        out = out.add_modifier(Modifier::BOLD);
    }
    if f.contains(FontStyle::ITALIC) {
        out = out.add_modifier(Modifier::ITALIC);
    }
    if f.contains(FontStyle::UNDERLINE) {
        out = out.add_modifier(Modifier::UNDERLINED);
    }
    out
}

/// A theme colour as a terminal colour. bat's convention for terminal-palette themes: alpha 0
/// means the red channel is an ANSI index, alpha 1 the terminal's default colour.
pub fn to_color(c: ThemeColor, depth: ColorDepth) -> Color {
    match (c.a, depth) {
        (_, ColorDepth::Monochrome) => Color::Reset,
        (0, _) => ansi_index(c.r),
        (1, _) => Color::Reset,
        (_, ColorDepth::TrueColor) => Color::Rgb(c.r, c.g, c.b),
        (_, ColorDepth::Ansi256) => Color::Indexed(rgb_to_256(c.r, c.g, c.b)),
        (_, ColorDepth::Ansi16) => ansi_index(rgb_to_16(c.r, c.g, c.b)),
    }
}

/// The nearest of the 16 ANSI colours (xterm's default values).
pub fn rgb_to_16(r: u8, g: u8, b: u8) -> u8 {
    const XTERM: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
    (0..16u8)
        .min_by_key(|&i| {
            let (x, y, z) = XTERM[i as usize];
            d(x, r) + d(y, g) + d(z, b)
        })
        .unwrap_or(7)
}

fn ansi_index(i: u8) -> Color {
    const NAMED: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    NAMED.get(i as usize).copied().unwrap_or(Color::Indexed(i))
}

/// The nearest entry of the xterm 256-colour palette: the 6x6x6 cube or the grey ramp.
pub fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let distance = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    let average = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_index = ((average.saturating_sub(8)) / 10).min(23) as u8;
    let grey_level = 8 + 10 * grey_index;
    if distance((grey_level, grey_level, grey_level)) < distance(cube) {
        232 + grey_index
    } else {
        16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_maps_to_the_cube_and_the_grey_ramp() {
        assert_eq!(rgb_to_256(0, 0, 0), 16);
        assert_eq!(rgb_to_256(255, 0, 0), 196);
        assert_eq!(rgb_to_256(255, 255, 255), 231);
        assert_eq!(rgb_to_256(128, 128, 128), 244);
    }

    #[test]
    fn rgb_maps_to_the_nearest_of_16() {
        assert_eq!(rgb_to_16(250, 10, 10), 9);
        assert_eq!(rgb_to_16(20, 20, 20), 0);
        assert_eq!(rgb_to_16(0, 190, 0), 2);
    }

    #[test]
    fn alpha_selects_ansi_index_or_default() {
        let ansi = ThemeColor {
            r: 2,
            g: 0,
            b: 0,
            a: 0,
        };
        assert_eq!(to_color(ansi, ColorDepth::TrueColor), Color::Green);
        let default = ThemeColor { a: 1, ..ansi };
        assert_eq!(to_color(default, ColorDepth::Ansi256), Color::Reset);
        let rgb = ThemeColor {
            r: 1,
            g: 2,
            b: 3,
            a: 255,
        };
        assert_eq!(to_color(rgb, ColorDepth::TrueColor), Color::Rgb(1, 2, 3));
        assert_eq!(to_color(rgb, ColorDepth::Monochrome), Color::Reset);
    }

    #[test]
    fn monochrome_keeps_highlights_visible() {
        let p = Palette::monochrome();
        assert!(p.selection.add_modifier.contains(Modifier::REVERSED));
        assert!(p.changed.add_modifier.contains(Modifier::UNDERLINED));
        assert!(p.fail.add_modifier.contains(Modifier::BOLD));
    }
}
