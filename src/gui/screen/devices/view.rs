//! The devices screen's views: the cards, the chosen device's categories, a backup's progress and its
//! summary, and the empty state with the demo phone.

use iced::widget::{Column, button, column, container, row, scrollable, text, toggler};
use iced::{Alignment, Element, Fill, Length};

use super::{BackupError, BackupRun, Devices, Message, REMINDER_SECS};
use crate::data::Category;
use crate::device::{CategorySummary, DeviceKind};
use crate::engine::Phase;
use crate::gui::clock;
use crate::gui::demo::Role;
use crate::gui::devices::{DeviceInfo, Source};
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon, icon};
use crate::t;
use crate::vault::Snapshot;

impl Devices {
    /// The screen.
    pub fn view<'a>(&'a self, snapshots: &'a [Snapshot], reminder: bool) -> Element<'a, Message> {
        if self.devices.is_empty() && self.run.is_none() {
            return self.empty_state();
        }
        let mut cards = Column::new().spacing(10);
        for device in &self.devices {
            let twin = self
                .devices
                .iter()
                .any(|d| d.key() != device.key() && d.identity.name == device.identity.name);
            let selected = self.selected.as_deref() == Some(&device.key());
            cards = cards.push(device_card(device, selected, self.role_of(device), twin));
        }
        cards = cards.push(widget::secondary(Icon::Plus, t!("gui-add-folder"), Some(Message::AddFolder)));
        if self.demo.iter().any(|p| p.role() == Role::Demo)
            && !self.demo.iter().any(|p| p.role() == Role::Empty)
        {
            cards = cards.push(self.demo_button(Role::Empty));
        }
        if let Some(e) = &self.error {
            cards =
                cards.push(container(text(e.clone()).size(size::BODY)).padding(10).style(theme::error_box));
        }
        let left = column![widget::title(t!("gui-nav-devices")), scrollable(cards).height(Fill)]
            .spacing(16)
            .width(Length::Fixed(330.0));
        let detail = match (self.selected_device(), self.orphan_run()) {
            (Some(device), _) => self.detail(device, snapshots, reminder),
            (None, Some(run)) => orphan(run),
            (None, None) => container(widget::muted(t!("gui-devices-pick"))).center(Fill).into(),
        };
        row![left, container(detail).padding(24).width(Fill).height(Fill).style(theme::card)]
            .spacing(20)
            .padding(24)
            .into()
    }

    /// "Try the demo phone" / "Add an empty demo phone", or what is happening while it starts.
    fn demo_button(&self, role: Role) -> Element<'_, Message> {
        let (glyph, label, busy_label) = match role {
            Role::Demo => (Icon::Phone, t!("gui-try-demo"), t!("gui-starting-demo")),
            Role::Empty => (Icon::Plus, t!("gui-add-empty-demo"), t!("gui-starting-empty-demo")),
        };
        let busy = self.starting.is_some();
        let label = if self.starting == Some(role) { busy_label } else { label };
        let press = (!busy).then_some(Message::StartDemo(role));
        match role {
            Role::Demo => widget::primary(glyph, label, press),
            Role::Empty => widget::secondary(glyph, label, press),
        }
    }

    fn empty_state(&self) -> Element<'_, Message> {
        let step = |glyph, title: String, body: String| -> Element<'_, Message> {
            container(
                row![
                    icon::accent(glyph, 32.0),
                    column![text(title).font(BOLD), text(body).size(size::BODY).style(theme::muted)]
                        .spacing(4)
                ]
                .spacing(16)
                .align_y(Alignment::Center),
            )
            .padding(16)
            .width(Fill)
            .style(theme::card)
            .into()
        };
        let mut content = column![
            icon::accent(Icon::Lifeboat, 64.0),
            text(t!("gui-empty-title")).size(size::TITLE).font(BOLD),
            text(t!("gui-empty-body")).style(theme::muted),
            step(Icon::Phone, t!("gui-empty-android-title"), t!("gui-empty-android-body")),
            step(Icon::Phone, t!("gui-empty-iphone-title"), t!("gui-empty-iphone-body")),
            row![
                self.demo_button(Role::Demo),
                widget::secondary(Icon::Folder, t!("gui-add-folder"), Some(Message::AddFolder)),
            ]
            .spacing(12),
            text(t!("gui-demo-explained")).size(size::SMALL).style(theme::muted),
        ]
        .spacing(16)
        .align_x(Alignment::Center)
        .max_width(620);
        if let Some(e) = &self.error {
            content = content.push(container(text(e.clone())).padding(10).style(theme::error_box));
        }
        container(content).center(Fill).padding(24).into()
    }

    fn detail<'a>(
        &'a self,
        device: &'a DeviceInfo,
        snapshots: &'a [Snapshot],
        reminder: bool,
    ) -> Element<'a, Message> {
        let key = device.key();
        let last = snapshots.iter().filter(|s| s.device.key() == key && s.complete).map(|s| s.time_ns).max();
        let last_line = match last {
            Some(ns) => t!("gui-last-backup", when = clock::when_ns(ns)),
            None => t!("gui-never-backed-up"),
        };
        let role = self.role_of(device);
        let mut header = column![text(device.identity.name.clone()).size(size::TITLE).font(BOLD)].spacing(4);
        if let Some(role) = role {
            header = header.push(role_tag(role));
        }
        header = header.push(widget::muted(describe(device))).push(text(last_line).size(size::BODY));
        if reminder && last.is_some_and(|ns| clock::now_secs() - ns / 1_000_000_000 > REMINDER_SECS) {
            header = header.push(
                container(text(t!("gui-reminder")).size(size::BODY)).padding(8).style(theme::warning_box),
            );
        }
        if !device.is_ready() {
            header = header.push(
                container(text(device.state.hint()).size(size::BODY)).padding(8).style(theme::warning_box),
            );
        }
        let surveyed = self
            .survey
            .as_ref()
            .filter(|s| s.device == key)
            .and_then(|s| s.result.as_ref())
            .and_then(|r| r.as_ref().ok())
            .map(Vec::as_slice);
        let body: Element<'_, Message> = match &self.run {
            Some(run) if run.device == key && run.result.is_none() => running(run),
            Some(run) if run.device == key => summary(run, surveyed),
            _ if device.is_ready() => self.categories(),
            _ => widget::muted(""),
        };
        // Folders and remembered network phones can be forgotten; the demo phones stop with the app.
        let forgettable = matches!(device.source, Source::Folder(_))
            || (device.network_address().is_some() && role.is_none());
        let mut top =
            row![icon::accent(kind_icon(device.identity.kind), 44.0), header.width(Fill)].spacing(16);
        if forgettable {
            top = top.push(widget::link(t!("gui-forget-folder"), Message::Forget(key)));
        }
        column![top, body].spacing(24).into()
    }

    fn categories(&self) -> Element<'_, Message> {
        let chosen = self.chosen();
        let survey = self.survey.as_ref().filter(|s| Some(&s.device) == self.selected.as_ref());
        let mut list = Column::new().spacing(4);
        for category in Category::ALL {
            let found = survey
                .and_then(|s| s.result.as_ref())
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| list.iter().find(|c| c.category == category));
            let detail = match (survey.map(|s| &s.result), found) {
                (Some(None), _) => t!("gui-counting"),
                (_, Some(found)) if found.unavailable.is_some() => {
                    found.unavailable.clone().unwrap_or_default()
                }
                // Records (contacts, messages...) have no size until they are written down: counts only.
                (_, Some(found)) if found.bytes == 0 => t!("gui-items", count = found.items),
                (_, Some(found)) => {
                    format!("{} · {}", t!("gui-items", count = found.items), crate::text::bytes(found.bytes))
                }
                (Some(Some(Err(e))), _) => e.clone(),
                _ => t!("gui-items", count = 0),
            };
            list = list.push(
                row![
                    icon(widget::category_icon(category), 20.0, false),
                    text(widget::category_name(category)).width(Length::Fixed(170.0)),
                    text(detail).size(size::SMALL).style(theme::muted).width(Fill),
                    toggler(chosen.contains(category)).on_toggle(move |on| Message::Toggle(category, on)),
                ]
                .spacing(12)
                .padding([8, 4])
                .align_y(Alignment::Center),
            );
        }
        let start = (!chosen.is_empty()).then_some(Message::BackUpNow);
        column![
            widget::heading(t!("gui-what-to-back-up")),
            list,
            widget::primary(Icon::Upload, t!("gui-back-up-now"), start)
        ]
        .spacing(12)
        .into()
    }
}

/// Maker, model, system, where it is, storage and battery, as one line.
fn describe(device: &DeviceInfo) -> String {
    let identity = &device.identity;
    let mut parts: Vec<String> = Vec::new();
    match (&identity.manufacturer, &identity.model) {
        // "Lifeboat Virtual Phone" is already the name; "Virtual Phone" alone would repeat it.
        (Some(maker), Some(model)) if !identity.name.contains(model.as_str()) => {
            parts.push(format!("{maker} {model}"))
        }
        _ => {}
    }
    parts.extend(identity.os_version.clone());
    if let Source::Folder(path) = &device.source {
        parts.push(path.display().to_string());
    } else {
        parts.push(t!("gui-serial", serial = identity.serial.clone()));
    }
    if let Some((used, total)) = device.storage {
        parts.push(t!("gui-storage", used = crate::text::bytes(used), total = crate::text::bytes(total)));
    }
    if let Some(percent) = device.battery {
        parts.push(t!("gui-battery", percent = percent));
    }
    parts.join(" · ")
}

/// The card's second line: model and system (a folder: where it is), and the serial when another card has
/// the same name.
fn card_subtitle(device: &DeviceInfo, twin: bool) -> String {
    let identity = &device.identity;
    let mut parts: Vec<String> = Vec::new();
    match &device.source {
        Source::Folder(path) => parts.push(path.display().to_string()),
        Source::Phone(_) => {
            parts.extend(identity.model.clone());
            parts.extend(identity.os_version.clone());
            if twin {
                parts.push(identity.serial.clone());
            }
        }
    }
    parts.join(" · ")
}

/// Battery and storage, when the device says.
fn card_facts(device: &DeviceInfo) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(percent) = device.battery {
        parts.push(t!("gui-battery", percent = percent));
    }
    if let Some((used, total)) = device.storage {
        parts.push(t!("gui-storage", used = crate::text::bytes(used), total = crate::text::bytes(total)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The icon of a kind of device.
pub fn kind_icon(kind: DeviceKind) -> Icon {
    match kind {
        DeviceKind::Android | DeviceKind::Iphone | DeviceKind::WindowsPhone => Icon::Phone,
        DeviceKind::Ipad => Icon::Tablet,
        DeviceKind::Camera => Icon::Camera,
        DeviceKind::Folder => Icon::Folder,
        DeviceKind::Import => Icon::Import,
    }
}

/// "Demo phone (virtual)" or "New phone (virtual, empty)".
pub fn role_tag<'a, M: 'a>(role: Role) -> Element<'a, M> {
    let label = match role {
        Role::Demo => t!("gui-demo-tag-demo"),
        Role::Empty => t!("gui-demo-tag-empty"),
    };
    text(label)
        .size(size::SMALL)
        .font(BOLD)
        .style(|t: &iced::Theme| text::Style { color: Some(t.palette().primary) })
        .into()
}

/// The state as a card shows it: "Ready", or what to do.
pub fn state_line<'a, M: 'a>(device: &DeviceInfo) -> Element<'a, M> {
    if device.is_ready() {
        text(t!("gui-state-ready")).size(size::SMALL).style(theme::success_text).into()
    } else {
        text(device.state.hint()).size(size::SMALL).style(theme::danger_text).into()
    }
}

fn device_card(device: &DeviceInfo, selected: bool, role: Option<Role>, twin: bool) -> Element<'_, Message> {
    let mut lines = column![text(device.identity.name.clone()).font(BOLD)].spacing(2).width(Fill);
    if let Some(role) = role {
        lines = lines.push(role_tag(role));
    }
    let subtitle = card_subtitle(device, twin);
    if !subtitle.is_empty() {
        lines = lines.push(widget::muted(subtitle));
    }
    if let Some(facts) = card_facts(device) {
        lines = lines.push(widget::muted(facts));
    }
    lines = lines.push(state_line(device));
    button(
        row![icon(kind_icon(device.identity.kind), 30.0, false), lines]
            .spacing(12)
            .align_y(Alignment::Center),
    )
    .width(Fill)
    .padding(14)
    .style(theme::row_button(selected))
    .on_press(Message::Select(device.key()))
    .into()
}

/// A backup whose device went: its name, that it is gone, and how the backup ended.
fn orphan(run: &BackupRun) -> Element<'_, Message> {
    let body = if run.result.is_none() { running(run) } else { summary(run, None) };
    column![
        row![
            icon::accent(Icon::Phone, 44.0),
            column![
                text(run.device_name.clone()).size(size::TITLE).font(BOLD),
                widget::muted(t!("gui-device-gone"))
            ]
            .spacing(4)
        ]
        .spacing(16),
        body
    ]
    .spacing(24)
    .into()
}

fn phase(phase: Phase) -> String {
    match phase {
        Phase::Scanning => t!("phase-scanning"),
        Phase::Transferring => t!("phase-transferring"),
        Phase::Finishing => t!("phase-finishing"),
        Phase::Verifying => t!("phase-verifying"),
    }
}

fn running(run: &BackupRun) -> Element<'_, Message> {
    let mut content = Column::new().spacing(12);
    if run.gone {
        content = content.push(widget::heading(t!("gui-backup-stopping")));
    }
    match &run.status {
        Some(status) => {
            if !run.gone {
                content = content.push(widget::heading(phase(status.phase)));
            }
            for c in &status.categories {
                content = content.push(widget::progress_row(c));
            }
            let eta = status.eta.map(crate::text::duration).unwrap_or_else(|| "–".into());
            content = content.push(widget::muted(t!(
                "gui-progress-total",
                done = crate::text::bytes(status.bytes_done),
                total = crate::text::bytes(status.bytes_total),
                rate = crate::text::rate(status.bytes_per_second),
                eta = eta
            )));
        }
        None if !run.gone => content = content.push(widget::heading(t!("gui-starting"))),
        None => {}
    }
    let cancelling = run.cancel.is_cancelled();
    content
        .push(widget::secondary(
            Icon::Close,
            if cancelling { t!("gui-cancelling") } else { t!("gui-cancel") },
            (!cancelling).then_some(Message::Cancel),
        ))
        .into()
}

/// How a backup ended. `surveyed` is what the device reported it holds: a phone's contacts or messages are
/// stored as one document per category, so the person is told the number of records the phone counted
/// rather than "1 item".
fn summary<'a>(run: &'a BackupRun, surveyed: Option<&'a [CategorySummary]>) -> Element<'a, Message> {
    let mut content = Column::new().spacing(10);
    match &run.result {
        Some(Ok(summary)) => {
            let snapshot = &summary.snapshot;
            // Per category: the records the phone counted (see above) or the files stored.
            let per: Vec<(Category, u64, u64)> = snapshot
                .totals
                .iter()
                .map(|(category, totals)| {
                    let records = !matches!(category, Category::Photos | Category::Files);
                    let items = surveyed
                        .filter(|_| records)
                        .and_then(|list| {
                            list.iter().find(|c| c.category == *category && c.unavailable.is_none())
                        })
                        .map_or(totals.items, |c| c.items);
                    (*category, items, totals.bytes)
                })
                .collect();
            content = content.push(
                row![icon::accent(Icon::Check, 24.0), widget::heading(t!("gui-backup-done"))].spacing(10),
            );
            let took = if summary.duration < std::time::Duration::from_secs(1) {
                t!("gui-under-a-second")
            } else {
                crate::text::duration(summary.duration)
            };
            content = content.push(text(t!(
                "gui-backup-stored",
                items = per.iter().map(|(_, items, _)| items).sum::<u64>(),
                size = crate::text::bytes(snapshot.size()),
                duration = took
            )));
            content = content.push(widget::muted(t!(
                "gui-backup-incremental",
                unchanged = summary.items_unchanged,
                read = summary.items_read,
                new = crate::text::bytes(summary.new_bytes)
            )));
            for (category, items, bytes) in per {
                content = content.push(
                    row![
                        icon(widget::category_icon(category), 16.0, false),
                        text(format!(
                            "{}: {} · {}",
                            widget::category_name(category),
                            t!("gui-items", count = items),
                            crate::text::bytes(bytes)
                        ))
                        .size(size::BODY)
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            for (category, reason) in &snapshot.unavailable {
                content = content.push(
                    text(t!(
                        "gui-unavailable",
                        category = widget::category_name(*category),
                        reason = reason.clone()
                    ))
                    .size(size::BODY)
                    .style(theme::danger_text),
                );
            }
            for skipped in snapshot.skipped.iter().take(20) {
                content = content.push(widget::muted(t!(
                    "backup-skipped",
                    what = skipped.what.clone(),
                    reason = skipped.reason.clone()
                )));
            }
        }
        Some(Err(BackupError::Disconnected)) => {
            content = content.push(
                row![icon(Icon::Warning, 24.0, false), widget::heading(t!("gui-backup-disconnected-title"))]
                    .spacing(10),
            );
            content = content.push(
                container(text(BackupError::Disconnected.to_string())).padding(10).style(theme::warning_box),
            );
        }
        Some(Err(BackupError::Failed(e))) => {
            content = content.push(
                row![icon(Icon::Warning, 24.0, false), widget::heading(t!("gui-backup-failed"))].spacing(10),
            );
            content = content.push(container(text(e.clone())).padding(10).style(theme::error_box));
        }
        None => {}
    }
    let content = content.push(widget::secondary(Icon::Check, t!("gui-ok"), Some(Message::DismissSummary)));
    scrollable(content).into()
}
