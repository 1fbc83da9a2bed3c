//! Lifeboat's look: one light and one dark palette built on iced's theme, the embedded Inter font, and the
//! few container and button styles the screens share. Screens never pick colours themselves; they ask for a
//! role here (`card`, `muted`, `bubble_out`...), so both themes stay coherent.

use iced::widget::{button, container, text};
use iced::{Background, Border, Color, Font, Theme, color, font};

use super::config::ThemeChoice;

/// Inter Regular, embedded (SIL Open Font License, see `assets/fonts/LICENSE-Inter.txt`).
pub const INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
/// Inter Semi Bold, for titles and buttons.
pub const INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");

/// The body font.
pub const FONT: Font = Font::with_name("Inter");
/// Titles and emphasis.
pub const BOLD: Font = Font { weight: font::Weight::Semibold, ..Font::with_name("Inter") };

/// Sizes, so every screen uses the same scale.
pub mod size {
    /// Screen titles.
    pub const TITLE: u32 = 26;
    /// Section headings.
    pub const HEADING: u32 = 18;
    /// Body text.
    pub const BODY: u32 = 14;
    /// Captions and secondary lines.
    pub const SMALL: u32 = 12;
}

/// The iced theme for a choice.
pub fn theme(choice: ThemeChoice) -> Theme {
    match choice {
        ThemeChoice::Light => Theme::custom(
            "Lifeboat Light",
            iced::theme::Palette {
                background: color!(0xF4F6F8),
                text: color!(0x1B2430),
                primary: color!(0x1565C0),
                success: color!(0x2E7D32),
                warning: color!(0xB26A00),
                danger: color!(0xC62828),
            },
        ),
        ThemeChoice::Dark => Theme::custom(
            "Lifeboat Dark",
            iced::theme::Palette {
                background: color!(0x14181D),
                text: color!(0xE3E7EC),
                primary: color!(0x5AA2F0),
                success: color!(0x66BB6A),
                warning: color!(0xFFB74D),
                danger: color!(0xEF5350),
            },
        ),
    }
}

fn is_dark(theme: &Theme) -> bool {
    theme.extended_palette().is_dark
}

/// Cards and panels: a surface a shade off the background, softly bordered.
pub fn card(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    let surface = if is_dark(theme) { color!(0x1E242B) } else { Color::WHITE };
    // A border rather than a drop shadow: the software renderer redraws only what changed, and a blurred
    // shadow reaching outside its widget can leave stale pixels behind.
    container::Style {
        background: Some(Background::Color(surface)),
        border: Border {
            radius: 12.0.into(),
            width: 1.0,
            color: palette.background.strong.color.scale_alpha(0.6),
        },
        text_color: Some(palette.background.base.text),
        ..container::Style::default()
    }
}

/// A selected card: the card with the primary colour as its border.
pub fn card_selected(theme: &Theme) -> container::Style {
    let mut style = card(theme);
    style.border.color = theme.palette().primary;
    style.border.width = 2.0;
    style
}

/// The navigation rail on the left.
pub fn sidebar(theme: &Theme) -> container::Style {
    let surface = if is_dark(theme) { color!(0x101317) } else { color!(0xE9EDF2) };
    container::Style { background: Some(Background::Color(surface)), ..container::Style::default() }
}

/// A tinted box for notes and warnings.
pub fn note(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.primary.weak.color.scale_alpha(0.18))),
        border: Border { radius: 8.0.into(), width: 1.0, color: palette.primary.weak.color.scale_alpha(0.5) },
        ..container::Style::default()
    }
}

/// A warning box (lost passwords, errors).
pub fn warning_box(theme: &Theme) -> container::Style {
    let warning = theme.palette().warning;
    container::Style {
        background: Some(Background::Color(warning.scale_alpha(0.12))),
        border: Border { radius: 8.0.into(), width: 1.0, color: warning.scale_alpha(0.5) },
        ..container::Style::default()
    }
}

/// An error box.
pub fn error_box(theme: &Theme) -> container::Style {
    let danger = theme.palette().danger;
    container::Style {
        background: Some(Background::Color(danger.scale_alpha(0.12))),
        border: Border { radius: 8.0.into(), width: 1.0, color: danger.scale_alpha(0.5) },
        text_color: Some(danger),
        ..container::Style::default()
    }
}

/// The dimmed backdrop behind a modal dialog.
pub fn backdrop(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color::BLACK.scale_alpha(0.45))),
        ..container::Style::default()
    }
}

/// A message bubble from the other person.
pub fn bubble_in(theme: &Theme) -> container::Style {
    let surface = if is_dark(theme) { color!(0x2A323C) } else { color!(0xE6EAF0) };
    container::Style {
        background: Some(Background::Color(surface)),
        border: Border { radius: 14.0.into(), ..Border::default() },
        text_color: Some(theme.palette().text),
        ..container::Style::default()
    }
}

/// A message bubble sent from the phone.
pub fn bubble_out(theme: &Theme) -> container::Style {
    let primary = theme.palette().primary;
    container::Style {
        background: Some(Background::Color(primary)),
        border: Border { radius: 14.0.into(), ..Border::default() },
        text_color: Some(Color::WHITE),
        ..container::Style::default()
    }
}

/// A thumbnail tile's frame, shown while the picture loads.
pub fn tile(theme: &Theme) -> container::Style {
    let surface = if is_dark(theme) { color!(0x252C34) } else { color!(0xDDE3EA) };
    container::Style {
        background: Some(Background::Color(surface)),
        border: Border { radius: 6.0.into(), ..Border::default() },
        text_color: Some(theme.extended_palette().background.strong.text),
        ..container::Style::default()
    }
}

/// Secondary text.
pub fn muted(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().text.scale_alpha(0.62)) }
}

/// Text in the danger colour.
pub fn danger_text(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().danger) }
}

/// Text in the warning colour.
pub fn warning_text(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().warning) }
}

/// Text in the success colour.
pub fn success_text(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().success) }
}

/// A navigation entry; `selected` shows where the person is.
pub fn nav(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let palette = theme.extended_palette();
        let background = match (selected, status) {
            (true, _) => Some(Background::Color(palette.primary.base.color.scale_alpha(0.16))),
            (false, button::Status::Hovered) => {
                Some(Background::Color(palette.background.strong.color.scale_alpha(0.5)))
            }
            _ => None,
        };
        button::Style {
            background,
            text_color: if selected { palette.primary.base.color } else { palette.background.base.text },
            border: Border { radius: 8.0.into(), ..Border::default() },
            ..button::Style::default()
        }
    }
}

/// A flat, clickable row or card (device cards, snapshot rows, thread list).
pub fn row_button(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let palette = theme.extended_palette();
        let base = if selected { card_selected(theme) } else { card(theme) };
        let hovered = matches!(status, button::Status::Hovered | button::Status::Pressed);
        button::Style {
            background: if hovered && !selected {
                Some(Background::Color(palette.primary.base.color.scale_alpha(0.07)))
            } else {
                base.background
            },
            text_color: palette.background.base.text,
            border: base.border,
            ..button::Style::default()
        }
    }
}

/// Tabs above the snapshot browser.
pub fn tab(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let palette = theme.extended_palette();
        let text_color = if selected { palette.primary.base.color } else { palette.background.base.text };
        button::Style {
            background: match (selected, status) {
                (true, _) => Some(Background::Color(palette.primary.base.color.scale_alpha(0.12))),
                (false, button::Status::Hovered) => {
                    Some(Background::Color(palette.background.strong.color.scale_alpha(0.4)))
                }
                _ => None,
            },
            text_color,
            border: Border { radius: 18.0.into(), ..Border::default() },
            ..button::Style::default()
        }
    }
}

/// A secondary action: the card's surface with a thin border, tinted when hovered.
pub fn secondary_button(theme: &Theme, status: button::Status) -> button::Style {
    let palette = theme.extended_palette();
    let surface = if is_dark(theme) { color!(0x242B33) } else { Color::WHITE };
    let (background, border) = match status {
        button::Status::Hovered | button::Status::Pressed => {
            (palette.primary.base.color.scale_alpha(0.10).into(), palette.primary.base.color.scale_alpha(0.6))
        }
        _ => (surface.into(), palette.background.strong.color),
    };
    let text_color = match status {
        button::Status::Disabled => palette.background.base.text.scale_alpha(0.4),
        _ => palette.background.base.text,
    };
    button::Style {
        background: Some(background),
        text_color,
        border: Border { radius: 8.0.into(), width: 1.0, color: border },
        ..button::Style::default()
    }
}
