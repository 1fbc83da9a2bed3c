//! The Contacts tab: a searchable list on the left, every field of the chosen contact (and its photo) on the
//! right.

use iced::widget::{Column, button, column, container, image, row, scrollable, text, text_input};
use iced::{Alignment, Element, Fill, Length};

use crate::data::Contact;
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon, icon};
use crate::t;

use super::load::Loaded;

/// Contacts tab messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// The filter text changed.
    QueryChanged(String),
    /// A contact was chosen (index into the loaded contacts).
    Selected(usize),
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct State {
    /// The filter.
    pub query: String,
    /// The chosen contact.
    pub selected: Option<usize>,
}

/// Whether `contact` matches the lower-cased `query` (name, numbers, addresses, organisation).
pub fn matches(contact: &Contact, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    contact.display_name().to_lowercase().contains(query)
        || contact.phones.iter().any(|p| p.number.replace(' ', "").contains(&query.replace(' ', "")))
        || contact.emails.iter().any(|e| e.address.to_lowercase().contains(query))
        || contact.organizations.iter().any(|o| o.name.to_lowercase().contains(query))
}

impl State {
    /// Handles a message.
    pub fn update(&mut self, message: Message) {
        match message {
            Message::QueryChanged(query) => self.query = query,
            Message::Selected(index) => self.selected = Some(index),
        }
    }

    /// The tab.
    pub fn view<'a>(&'a self, loaded: &'a Loaded) -> Element<'a, Message> {
        if loaded.contacts.is_empty() {
            return widget::muted(t!("gui-browse-empty"));
        }
        let query = self.query.trim().to_lowercase();
        let list = Column::with_children(
            loaded.contacts.iter().enumerate().filter(|(_, c)| matches(c, &query)).map(|(i, c)| {
                button(
                    row![avatar(loaded, i, 28.0), text(c.display_name()).size(size::BODY)]
                        .spacing(10)
                        .align_y(Alignment::Center),
                )
                .width(Fill)
                .padding([6, 10])
                .style(theme::nav(self.selected == Some(i)))
                .on_press(Message::Selected(i))
                .into()
            }),
        )
        .spacing(2);
        let search = text_input(&t!("gui-search-contacts"), &self.query)
            .on_input(Message::QueryChanged)
            .padding(8)
            .icon(text_input::Icon {
                font: theme::FONT,
                code_point: '⌕',
                size: None,
                spacing: 6.0,
                side: text_input::Side::Left,
            });
        let left = column![search, scrollable(list).height(Fill)].spacing(10).width(Length::Fixed(300.0));
        let detail: Element<'_, Message> =
            match self.selected.and_then(|i| loaded.contacts.get(i).map(|c| (i, c))) {
                Some((i, contact)) => detail(loaded, i, contact),
                None => container(widget::muted(t!("gui-contacts-pick"))).center(Fill).into(),
            };
        row![left, container(detail).padding(20).width(Fill).height(Fill).style(theme::card)]
            .spacing(16)
            .into()
    }
}

fn avatar<'a>(loaded: &'a Loaded, index: usize, side: f32) -> Element<'a, Message> {
    match loaded.contact_photos.get(index).and_then(Option::as_ref) {
        Some(handle) => image(handle.clone())
            .width(Length::Fixed(side))
            .height(Length::Fixed(side))
            .content_fit(iced::ContentFit::Cover)
            .border_radius(side / 2.0)
            .into(),
        None => icon(Icon::Contacts, side * 0.8, false),
    }
}

fn typed(types: &[String], label: &Option<String>) -> String {
    label.clone().unwrap_or_else(|| types.join(", ").to_lowercase())
}

fn detail<'a>(loaded: &'a Loaded, index: usize, c: &'a Contact) -> Element<'a, Message> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut add = |label: String, value: String| {
        if !value.trim().is_empty() {
            rows.push((label, value));
        }
    };
    for phone in &c.phones {
        add(
            format!("{} {}", t!("gui-field-phone"), typed(&phone.meta.types, &phone.meta.label)),
            phone.number.clone(),
        );
    }
    for email in &c.emails {
        add(
            format!("{} {}", t!("gui-field-email"), typed(&email.meta.types, &email.meta.label)),
            email.address.clone(),
        );
    }
    for address in &c.addresses {
        let lines: Vec<&str> = address.components().into_iter().filter(|s| !s.is_empty()).collect();
        add(t!("gui-field-address"), lines.join("\n"));
    }
    for org in &c.organizations {
        add(
            t!("gui-field-organization"),
            std::iter::once(org.name.clone()).chain(org.units.clone()).collect::<Vec<_>>().join(", "),
        );
    }
    for title in c.titles.iter().chain(&c.roles) {
        add(t!("gui-field-title"), title.value.clone());
    }
    if let Some(birthday) = &c.birthday {
        add(t!("gui-field-birthday"), birthday.to_iso());
    }
    if let Some(anniversary) = &c.anniversary {
        add(t!("gui-field-anniversary"), anniversary.to_iso());
    }
    for url in &c.urls {
        add(t!("gui-field-web"), url.url.clone());
    }
    for im in &c.instant_messengers {
        add(im.protocol.clone(), im.handle.clone());
    }
    if !c.nicknames.is_empty() {
        add(t!("gui-field-nickname"), c.nicknames.join(", "));
    }
    for note in &c.notes {
        add(t!("gui-field-note"), note.value.clone());
    }
    if !c.categories.is_empty() {
        add(t!("gui-field-groups"), c.categories.join(", "));
    }
    for extra in &c.extra {
        add(extra.name.clone(), extra.value.clone());
    }
    let fields =
        Column::with_children(rows.into_iter().map(|(label, value)| widget::field(label, value))).spacing(14);
    let header = row![avatar(loaded, index, 72.0), text(c.display_name()).size(size::TITLE).font(BOLD)]
        .spacing(16)
        .align_y(Alignment::Center);
    scrollable(column![header, fields].spacing(20).width(Fill)).into()
}
