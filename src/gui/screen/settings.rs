//! Settings: where the vault is, its password, automatic backups and reminders, the categories new devices
//! start with, photo quality, language and theme. Every change is saved at once (by the app, off the UI
//! thread).

use std::path::PathBuf;

use iced::widget::{Column, checkbox, column, container, pick_list, radio, row, scrollable, text, toggler};
use iced::{Alignment, Element, Fill, Length, Task};

use crate::data::Category;
use crate::gui::config::{Config, PhotoQuality, ThemeChoice};
use crate::gui::theme::{self, size};
use crate::gui::widget::{self, Icon};
use crate::t;

/// A language choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    code: Option<String>,
    label: String,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn languages() -> Vec<Language> {
    vec![
        Language { code: None, label: t!("gui-language-system") },
        Language { code: Some("en".into()), label: "English".into() },
        Language { code: Some("de".into()), label: "Deutsch".into() },
    ]
}

/// Settings messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// "Choose…" next to the vault location.
    PickVault,
    /// The folder dialog closed.
    VaultPicked(Option<PathBuf>),
    /// "Change password…".
    ChangePassword,
    /// Automatic backups on or off.
    AutoBackup(bool),
    /// The three-week reminder on or off.
    Reminder(bool),
    /// A default category switched.
    DefaultCategory(Category, bool),
    /// Photo quality chosen.
    Quality(PhotoQuality),
    /// Language chosen.
    LanguagePicked(Language),
    /// Theme chosen.
    Theme(ThemeChoice),
}

/// What settings ask of the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// The config changed: apply and save it.
    Changed(Config),
    /// Use the vault at this folder (the app asks for its password).
    VaultChosen(PathBuf),
    /// Open the change-password dialog.
    ChangePassword,
}

/// Handles a message against the current `config`.
pub fn update(config: &Config, message: Message) -> (Task<Message>, Option<Event>) {
    let mut next = config.clone();
    match message {
        Message::PickVault => {
            let pick = async {
                rfd::AsyncFileDialog::new()
                    .set_title(t!("gui-settings-vault-pick"))
                    .pick_folder()
                    .await
                    .map(|f| f.path().to_path_buf())
            };
            return (Task::perform(pick, Message::VaultPicked), None);
        }
        Message::VaultPicked(Some(path)) => return (Task::none(), Some(Event::VaultChosen(path))),
        Message::VaultPicked(None) => return (Task::none(), None),
        Message::ChangePassword => return (Task::none(), Some(Event::ChangePassword)),
        Message::AutoBackup(on) => next.auto_backup = on,
        Message::Reminder(on) => next.reminder = on,
        Message::DefaultCategory(category, on) => {
            if on {
                next.default_categories.insert(category)
            } else {
                next.default_categories.remove(category)
            }
        }
        Message::Quality(quality) => next.photo_quality = quality,
        Message::LanguagePicked(language) => next.language = language.code,
        Message::Theme(choice) => next.theme = choice,
    }
    (Task::none(), Some(Event::Changed(next)))
}

fn section<'a>(title: String, content: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    container(column![widget::heading(title), content.into()].spacing(12))
        .padding(20)
        .width(Fill)
        .style(theme::card)
        .into()
}

/// The screen.
pub fn view(config: &Config, unlocked: bool) -> Element<'_, Message> {
    let vault_path = config.vault_path().map(|p| p.display().to_string()).unwrap_or_default();
    let vault = column![
        row![
            text(vault_path).size(size::BODY).width(Fill),
            widget::secondary(Icon::Folder, t!("gui-choose"), Some(Message::PickVault)),
        ]
        .spacing(12)
        .align_y(Alignment::Center),
        widget::secondary(Icon::Lock, t!("gui-change-password"), unlocked.then_some(Message::ChangePassword)),
    ]
    .spacing(12);
    let automatic = column![
        toggler(config.auto_backup).label(t!("gui-settings-auto")).on_toggle(Message::AutoBackup),
        toggler(config.reminder).label(t!("gui-settings-reminder")).on_toggle(Message::Reminder),
    ]
    .spacing(12);
    let mut categories = Column::new().spacing(8);
    for category in Category::ALL {
        categories = categories.push(
            checkbox(config.default_categories.contains(category))
                .label(widget::category_name(category))
                .on_toggle(move |on| Message::DefaultCategory(category, on)),
        );
    }
    let quality = column![
        radio(
            t!("gui-quality-original"),
            PhotoQuality::Original,
            Some(config.photo_quality),
            Message::Quality
        ),
        radio(
            t!("gui-quality-saving"),
            PhotoQuality::SpaceSaving,
            Some(config.photo_quality),
            Message::Quality
        ),
        widget::muted(t!("gui-quality-note")),
    ]
    .spacing(10);
    let all = languages();
    let current = all.iter().find(|l| l.code == config.language).cloned();
    let look = column![
        row![
            text(t!("gui-language")).width(Length::Fixed(120.0)),
            pick_list(all, current, Message::LanguagePicked)
        ]
        .spacing(12)
        .align_y(Alignment::Center),
        row![
            text(t!("gui-theme")).width(Length::Fixed(120.0)),
            radio(t!("gui-theme-light"), ThemeChoice::Light, Some(config.theme), Message::Theme),
            radio(t!("gui-theme-dark"), ThemeChoice::Dark, Some(config.theme), Message::Theme),
        ]
        .spacing(16)
        .align_y(Alignment::Center),
    ]
    .spacing(12);
    let content = column![
        widget::title(t!("gui-nav-settings")),
        section(t!("gui-settings-vault"), vault),
        section(t!("gui-settings-automatic"), automatic),
        section(t!("gui-settings-categories"), categories),
        section(t!("gui-settings-quality"), quality),
        section(t!("gui-settings-look"), look),
    ]
    .spacing(16)
    .padding(24)
    .max_width(760);
    scrollable(content).height(Fill).into()
}
