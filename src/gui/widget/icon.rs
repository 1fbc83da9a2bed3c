//! The embedded icons (`assets/icons/*.svg`, drawn for Lifeboat, CC0). They are drawn in black and recoloured
//! when shown, so one file serves both themes.

use std::sync::LazyLock;

use iced::widget::svg;
use iced::{Element, Length, Theme};

macro_rules! icons {
    ($($name:ident => $file:literal),* $(,)?) => {
        /// Every icon the app uses.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Icon { $($name),* }

        static HANDLES: LazyLock<Vec<svg::Handle>> = LazyLock::new(|| vec![
            $(svg::Handle::from_memory(include_bytes!(concat!("../../../assets/icons/", $file, ".svg")).as_slice())),*
        ]);
    };
}

icons! {
    Phone => "phone", Tablet => "tablet", Folder => "folder", Camera => "camera", Import => "import",
    Contacts => "contacts", Photos => "photos", Messages => "messages", Calls => "calls", Settings => "settings",
    Apps => "apps", Files => "files", Devices => "devices", Backups => "backups", Restore => "restore",
    Check => "check", Warning => "warning", Search => "search", Lock => "lock", Plus => "plus", Back => "back",
    Close => "close", Upload => "upload", Export => "export", Video => "video", Shield => "shield",
    Lifeboat => "lifeboat",
}

/// An icon `size` pixels square, in the text colour, or white on a primary button when `on_primary`.
pub fn icon<'a, M: 'a>(glyph: Icon, size: f32, on_primary: bool) -> Element<'a, M> {
    let handle = HANDLES[glyph as usize].clone();
    svg(handle)
        .width(Length::Fixed(size))
        .height(Length::Fixed(size))
        .style(move |theme: &Theme, _status| svg::Style {
            color: Some(if on_primary { iced::Color::WHITE } else { theme.palette().text }),
        })
        .into()
}

/// An icon in the primary colour (empty states, device cards).
pub fn accent<'a, M: 'a>(glyph: Icon, size: f32) -> Element<'a, M> {
    let handle = HANDLES[glyph as usize].clone();
    svg(handle)
        .width(Length::Fixed(size))
        .height(Length::Fixed(size))
        .style(|theme: &Theme, _status| svg::Style { color: Some(theme.palette().primary) })
        .into()
}

/// The app icon as RGBA pixels for the window: a white life ring on the primary blue, drawn here so no PNG
/// has to be shipped.
pub fn window_icon() -> Option<iced::window::Icon> {
    const SIZE: u32 = 64;
    let mut pixels = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let c = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (dx, dy) = (x as f32 - c, y as f32 - c);
            let r = (dx * dx + dy * dy).sqrt();
            let angle = dy.atan2(dx).to_degrees().rem_euclid(90.0);
            let pixel = if r > 31.5 {
                [0, 0, 0, 0]
            } else if (12.0..=24.0).contains(&r) {
                // The ring: white with orange bands, like a real life buoy.
                if (40.0..50.0).contains(&angle) {
                    [0xF0, 0x5A, 0x28, 0xFF]
                } else {
                    [0xFF, 0xFF, 0xFF, 0xFF]
                }
            } else {
                [0x15, 0x65, 0xC0, 0xFF]
            };
            pixels.extend_from_slice(&pixel);
        }
    }
    iced::window::icon::from_rgba(pixels, SIZE, SIZE).ok()
}
