//! The desktop app (iced): devices, backups, the snapshot browser, restore and settings, as faces over the
//! same engines the command line uses. Nothing here holds backup logic, and nothing slow runs on the UI
//! thread: see [`jobs`]. `docs/app.md` describes the screens and the architecture.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod devices;
pub mod jobs;
pub mod previews;
pub mod screen;
mod start;
pub mod theme;
pub mod thumbnail_cache;
pub mod thumbnails;
pub mod widget;

pub use app::{App, Message, Page};

/// Opens the app's window and runs until it is closed.
pub fn run() -> iced::Result {
    iced::application(App::boot, App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        .font(theme::INTER_REGULAR)
        .font(theme::INTER_SEMIBOLD)
        .default_font(theme::FONT)
        .window(iced::window::Settings {
            size: iced::Size::new(1280.0, 820.0),
            min_size: Some(iced::Size::new(960.0, 600.0)),
            icon: widget::icon::window_icon(),
            // Closing stops the virtual phones first (`Message::CloseRequested`), then the app exits.
            exit_on_close_request: false,
            platform_specific: iced::window::settings::PlatformSpecific {
                application_id: "org.lifeboat.Lifeboat".into(),
                ..Default::default()
            },
            ..iced::window::Settings::default()
        })
        .run()
}
