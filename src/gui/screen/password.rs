//! The password dialog, in three forms: unlock the vault (asked once per session, on first use), create a
//! vault (explaining that a lost password cannot be recovered, with a confirmation field), and change the
//! password. Tab moves between the fields, Enter submits, Escape cancels.

use std::path::PathBuf;

use iced::widget::{Id, column, container, row, text, text_input};
use iced::{Element, Fill, Task};

use crate::gui::jobs::{self, OpenError, SharedVault};
use crate::gui::theme::{self, size};
use crate::gui::widget::{self, Icon};
use crate::t;

/// Which dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Open the vault at this folder.
    Unlock(PathBuf),
    /// Create a vault at this folder.
    Create(PathBuf),
    /// Change the password of the open vault.
    Change,
}

/// Dialog messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// The password field changed.
    PasswordChanged(String),
    /// The confirmation field changed.
    ConfirmChanged(String),
    /// The current-password field changed (changing the password).
    CurrentChanged(String),
    /// Enter or the button.
    Submit,
    /// Escape or the button.
    Cancel,
    /// The vault opened (or was created), or did not.
    Opened(Result<SharedVault, OpenError>),
    /// The password was changed, or not.
    Changed(Result<(), String>),
}

impl std::fmt::Debug for Dialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dialog").field("mode", &self.mode).field("busy", &self.busy).finish()
    }
}

/// What the dialog tells the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// The vault is open.
    Unlocked(SharedVault),
    /// The password was changed.
    PasswordChanged,
    /// The person gave up.
    Cancelled,
}

/// The dialog's state. The typed password lives only here and in the job that uses it.
pub struct Dialog {
    /// Which dialog.
    pub mode: Mode,
    password: String,
    confirm: String,
    current: String,
    /// The last problem, shown under the fields.
    pub error: Option<String>,
    /// Waiting for the key derivation.
    pub busy: bool,
}

/// The id of the first field, focused when the dialog opens.
pub fn first_field() -> Id {
    Id::new("password")
}

impl Dialog {
    /// A dialog; the task focuses the password field.
    pub fn new(mode: Mode) -> (Self, Task<Message>) {
        let dialog = Self {
            mode,
            password: String::new(),
            confirm: String::new(),
            current: String::new(),
            error: None,
            busy: false,
        };
        (dialog, iced::widget::operation::focus(first_field()))
    }

    /// Handles a message; `vault` is the open vault, for changing its password.
    pub fn update(
        &mut self,
        message: Message,
        vault: Option<&SharedVault>,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::PasswordChanged(password) => self.password = password,
            Message::ConfirmChanged(confirm) => self.confirm = confirm,
            Message::CurrentChanged(current) => self.current = current,
            Message::Submit => return (self.submit(vault), None),
            Message::Cancel => return (Task::none(), (!self.busy).then_some(Event::Cancelled)),
            Message::Opened(result) => {
                self.busy = false;
                match result {
                    Ok(vault) => return (Task::none(), Some(Event::Unlocked(vault))),
                    Err(OpenError::WrongPassword) => {
                        self.error = Some(t!("gui-password-wrong"));
                        self.password.clear();
                        return (iced::widget::operation::focus(first_field()), None);
                    }
                    Err(OpenError::Other(e)) => self.error = Some(e),
                }
            }
            Message::Changed(result) => {
                self.busy = false;
                match result {
                    Ok(()) => return (Task::none(), Some(Event::PasswordChanged)),
                    Err(e) => {
                        self.error = Some(e);
                        self.current.clear();
                        return (iced::widget::operation::focus(first_field()), None);
                    }
                }
            }
        }
        (Task::none(), None)
    }

    fn needs_confirmation(&self) -> bool {
        !matches!(self.mode, Mode::Unlock(_))
    }

    fn submit(&mut self, vault: Option<&SharedVault>) -> Task<Message> {
        if self.busy {
            return Task::none();
        }
        if matches!(self.mode, Mode::Change) && self.current.is_empty() {
            self.error = Some(t!("password-empty"));
            return Task::none();
        }
        if self.password.is_empty() {
            self.error = Some(t!("password-empty"));
            return Task::none();
        }
        if self.needs_confirmation() && self.password != self.confirm {
            self.error = Some(t!("gui-password-mismatch"));
            return Task::none();
        }
        self.error = None;
        self.busy = true;
        let password = std::mem::take(&mut self.password);
        self.confirm.clear();
        match &self.mode {
            Mode::Unlock(path) => {
                Task::perform(jobs::open_vault(path.clone(), password, false), Message::Opened)
            }
            Mode::Create(path) => {
                Task::perform(jobs::open_vault(path.clone(), password, true), Message::Opened)
            }
            Mode::Change => {
                let Some(root) = vault.map(|v| v.root().to_path_buf()) else {
                    self.busy = false;
                    return Task::none();
                };
                let current = std::mem::take(&mut self.current);
                // The app's vault handle is shared and immutable; the change is made through a second handle
                // opened with the current password, which also proves the person at the keyboard knows it.
                Task::perform(
                    jobs::blocking("lifeboat-password", move || {
                        let mut vault = crate::vault::Vault::open(&root, &current).map_err(|e| match e {
                            crate::vault::VaultError::WrongPassword(_) => t!("gui-password-wrong"),
                            other => other.to_string(),
                        })?;
                        vault.change_password(&password, jobs::kdf()).map_err(|e| e.to_string())
                    }),
                    Message::Changed,
                )
            }
        }
    }

    /// The dialog.
    pub fn view(&self) -> Element<'_, Message> {
        let (title, intro) = match &self.mode {
            Mode::Unlock(path) => (
                t!("gui-password-unlock-title"),
                t!("gui-password-unlock-body", path = path.display().to_string()),
            ),
            Mode::Create(path) => (
                t!("gui-password-create-title"),
                t!("gui-password-create-body", path = path.display().to_string()),
            ),
            Mode::Change => (t!("gui-password-change-title"), t!("gui-password-change-body")),
        };
        let submit = (!self.busy).then_some(Message::Submit);
        let mut content = column![
            row![widget::icon(Icon::Lock, 24.0, false), widget::heading(title)].spacing(10),
            text(intro).size(size::BODY),
        ]
        .spacing(14);
        if self.needs_confirmation() && !matches!(self.mode, Mode::Change) {
            content = content.push(
                container(text(t!("password-lost-warning")).size(size::BODY))
                    .padding(12)
                    .style(theme::warning_box),
            );
        }
        if matches!(self.mode, Mode::Change) {
            let mut current = text_input(&t!("gui-password-current"), &self.current)
                .id(first_field())
                .secure(true)
                .padding(10);
            if !self.busy {
                current = current.on_input(Message::CurrentChanged);
            }
            content = content.push(current);
        }
        let field = if matches!(self.mode, Mode::Change) { Id::new("password-new") } else { first_field() };
        let placeholder =
            if matches!(self.mode, Mode::Change) { t!("gui-password-new") } else { t!("gui-password") };
        let mut password = text_input(&placeholder, &self.password).id(field).secure(true).padding(10);
        if !self.busy {
            password = password.on_input(Message::PasswordChanged);
            if !self.needs_confirmation() {
                password = password.on_submit(Message::Submit);
            }
        }
        content = content.push(password);
        if self.needs_confirmation() {
            let mut confirm = text_input(&t!("gui-password-again"), &self.confirm)
                .id(Id::new("password-confirm"))
                .secure(true)
                .padding(10);
            if !self.busy {
                confirm = confirm.on_input(Message::ConfirmChanged).on_submit(Message::Submit);
            }
            content = content.push(confirm);
        }
        if let Some(e) = &self.error {
            content = content.push(
                container(text(e.clone()).size(size::BODY)).padding(10).width(Fill).style(theme::error_box),
            );
        }
        if self.busy {
            content = content.push(widget::muted(t!("gui-password-working")));
        }
        let action = match self.mode {
            Mode::Unlock(_) => t!("gui-open-vault"),
            Mode::Create(_) => t!("gui-create-vault"),
            Mode::Change => t!("gui-change-password"),
        };
        content = content.push(
            row![
                iced::widget::space::horizontal(),
                widget::secondary(Icon::Close, t!("gui-cancel"), (!self.busy).then_some(Message::Cancel)),
                widget::primary(Icon::Check, action, submit),
            ]
            .spacing(10),
        );
        widget::dialog(content, 480.0)
    }
}
