//! The Messages tab: conversations on the left, the chosen one as bubbles on the right, with a date line
//! whenever the day changes and MMS pictures shown in place (attachments stored as their own items are read
//! when the conversation opens).

use std::collections::HashMap;

use iced::widget::image::Handle;
use iced::widget::{Column, button, column, container, image, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length};

use crate::data::{PartContent, Thread};
use crate::gui::clock;
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget;
use crate::t;

use super::load::Loaded;

/// Messages tab messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// A conversation was chosen.
    Selected(usize),
}

/// The tab's state.
#[derive(Debug, Default)]
pub struct State {
    /// The chosen conversation.
    pub selected: Option<usize>,
    /// Pictures of the chosen conversation, by attachment path (or `inline:<n>:<m>`).
    pub pictures: HashMap<String, Handle>,
}

/// The name shown for a conversation.
pub fn thread_name(thread: &Thread) -> String {
    thread.contact_name.clone().unwrap_or_else(|| thread.participants.join(", "))
}

/// Attachment paths of a conversation that are pictures stored as items.
pub fn picture_paths(thread: &Thread) -> Vec<String> {
    thread
        .messages
        .iter()
        .flat_map(|m| m.attachments())
        .filter(|p| p.content_type.starts_with("image/"))
        .filter_map(|p| match &p.content {
            PartContent::Reference(path) => Some(path.clone()),
            _ => None,
        })
        .collect()
}

impl State {
    /// Handles a message.
    pub fn update(&mut self, message: Message) {
        match message {
            Message::Selected(index) => {
                self.selected = Some(index);
                self.pictures.clear();
            }
        }
    }

    /// The tab.
    pub fn view<'a>(&'a self, loaded: &'a Loaded) -> Element<'a, Message> {
        if loaded.threads.is_empty() {
            return widget::muted(t!("gui-browse-empty"));
        }
        let list = Column::with_children(loaded.threads.iter().enumerate().map(|(i, thread)| {
            let last = thread.messages.last();
            let preview = last.and_then(|m| m.body.clone()).unwrap_or_default();
            let preview: String = preview.chars().take(48).collect();
            let date = thread.last_date().map(clock::when_ms).unwrap_or_default();
            button(
                column![
                    row![text(thread_name(thread)).font(BOLD).width(Fill), widget::muted(date)].spacing(8),
                    text(preview).size(size::SMALL).style(theme::muted),
                ]
                .spacing(3),
            )
            .width(Fill)
            .padding([8, 10])
            .style(theme::nav(self.selected == Some(i)))
            .on_press(Message::Selected(i))
            .into()
        }))
        .spacing(2);
        let left = scrollable(list).width(Length::Fixed(320.0)).height(Fill);
        let right: Element<'_, Message> = match self.selected.and_then(|i| loaded.threads.get(i)) {
            Some(thread) => self.conversation(thread),
            None => container(widget::muted(t!("gui-messages-pick"))).center(Fill).into(),
        };
        row![left, container(right).padding(16).width(Fill).height(Fill).style(theme::card)]
            .spacing(16)
            .into()
    }

    fn conversation<'a>(&'a self, thread: &'a Thread) -> Element<'a, Message> {
        let mut bubbles = Column::new().spacing(6).width(Fill);
        let mut last_day = None;
        for message in &thread.messages {
            let day = clock::date(message.date.div_euclid(1000));
            if last_day.as_ref() != Some(&day) {
                bubbles = bubbles.push(container(widget::muted(day.clone())).center_x(Fill).padding([8, 0]));
                last_day = Some(day);
            }
            let mut body = Column::new().spacing(6);
            if let Some(subject) = &message.subject {
                body = body.push(text(subject.clone()).font(BOLD));
            }
            if let Some(text_body) = &message.body {
                body = body.push(text(text_body.clone()).size(size::BODY));
            }
            for part in message.attachments() {
                let picture = match &part.content {
                    PartContent::Reference(path) => self.pictures.get(path).cloned(),
                    PartContent::Bytes(bytes) if part.content_type.starts_with("image/") => {
                        Some(Handle::from_bytes(bytes.clone()))
                    }
                    _ => None,
                };
                body = body.push(match picture {
                    Some(handle) => Element::from(image(handle).width(Length::Fixed(220.0)).border_radius(8)),
                    None => {
                        text(format!("📎 {}", part.name.clone().unwrap_or_else(|| part.content_type.clone())))
                            .size(size::SMALL)
                            .into()
                    }
                });
            }
            let time = clock::local(message.date.div_euclid(1000));
            body =
                body.push(text(format!("{:02}:{:02}", time.hour, time.minute)).size(10).style(theme::muted));
            let incoming = message.is_incoming();
            let bubble = container(body).padding([8, 12]).max_width(460).style(if incoming {
                theme::bubble_in
            } else {
                theme::bubble_out
            });
            bubbles = bubbles.push(if incoming {
                container(bubble).align_left(Fill)
            } else {
                container(bubble).align_right(Fill)
            });
        }
        column![
            text(thread_name(thread)).size(size::HEADING).font(BOLD),
            widget::muted(thread.participants.join(", ")),
            scrollable(bubbles.padding([0, 12])).height(Fill).anchor_bottom(),
        ]
        .spacing(6)
        .align_x(Alignment::Start)
        .into()
    }
}
