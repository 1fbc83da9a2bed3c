//! Small building blocks the screens share: icons, headings, buttons with icons, the modal overlay, and the
//! per-category progress rows.

pub mod icon;

use iced::widget::{
    Space, button, center, column, container, mouse_area, opaque, progress_bar, row, stack, text,
};
use iced::{Alignment, Element, Fill, Length};

use super::theme::{self, BOLD, size};
use crate::data::Category;
use crate::engine::CategoryStatus;
use crate::t;
pub use icon::{Icon, icon};

/// A screen title.
pub fn title<'a, M: 'a>(label: impl text::IntoFragment<'a>) -> Element<'a, M> {
    text(label).size(size::TITLE).font(BOLD).into()
}

/// A section heading.
pub fn heading<'a, M: 'a>(label: impl text::IntoFragment<'a>) -> Element<'a, M> {
    text(label).size(size::HEADING).font(BOLD).into()
}

/// A secondary line.
pub fn muted<'a, M: 'a>(label: impl text::IntoFragment<'a>) -> Element<'a, M> {
    text(label).size(size::SMALL).style(theme::muted).into()
}

/// A primary action: coloured, with an icon.
pub fn primary<'a, M: Clone + 'a>(glyph: Icon, label: String, on_press: Option<M>) -> Element<'a, M> {
    button(row![icon(glyph, 18.0, true), text(label).font(BOLD)].spacing(8).align_y(Alignment::Center))
        .padding([10, 18])
        .style(button::primary)
        .on_press_maybe(on_press)
        .into()
}

/// A secondary action.
pub fn secondary<'a, M: Clone + 'a>(glyph: Icon, label: String, on_press: Option<M>) -> Element<'a, M> {
    button(row![icon(glyph, 16.0, false), text(label)].spacing(8).align_y(Alignment::Center))
        .padding([8, 14])
        .style(theme::secondary_button)
        .on_press_maybe(on_press)
        .into()
}

/// A plain text button for less important actions.
pub fn link<'a, M: Clone + 'a>(label: String, on_press: M) -> Element<'a, M> {
    button(text(label).size(size::BODY)).padding([6, 10]).style(button::text).on_press(on_press).into()
}

/// Shows `dialog` over `base`, dimming it; clicks outside the dialog send `on_blur` when given.
pub fn modal<'a, M: Clone + 'a>(
    base: Element<'a, M>,
    dialog: Element<'a, M>,
    on_blur: Option<M>,
) -> Element<'a, M> {
    let backdrop = mouse_area(center(opaque(dialog)).style(theme::backdrop));
    let backdrop = match on_blur {
        Some(message) => backdrop.on_press(message),
        None => backdrop,
    };
    stack![base, opaque(backdrop)].into()
}

/// A dialog's frame.
pub fn dialog<'a, M: 'a>(content: impl Into<Element<'a, M>>, width: f32) -> Element<'a, M> {
    container(content).padding(28).width(Length::Fixed(width)).style(theme::card).into()
}

/// The translated name of a category.
pub fn category_name(category: Category) -> String {
    match category {
        Category::Contacts => t!("gui-cat-contacts"),
        Category::Photos => t!("gui-cat-photos"),
        Category::Messages => t!("gui-cat-messages"),
        Category::Calls => t!("gui-cat-calls"),
        Category::Settings => t!("gui-cat-settings"),
        Category::Apps => t!("gui-cat-apps"),
        Category::Files => t!("gui-cat-files"),
    }
}

/// The icon of a category.
pub fn category_icon(category: Category) -> Icon {
    match category {
        Category::Contacts => Icon::Contacts,
        Category::Photos => Icon::Photos,
        Category::Messages => Icon::Messages,
        Category::Calls => Icon::Calls,
        Category::Settings => Icon::Settings,
        Category::Apps => Icon::Apps,
        Category::Files => Icon::Files,
    }
}

/// One category's progress: icon, name, bar, and "12 of 40 · 3.1 MB of 9 MB".
pub fn progress_row<'a, M: 'a>(status: &CategoryStatus) -> Element<'a, M> {
    let &CategoryStatus { category, items_done, items_total, bytes_done, bytes_total } = status;
    let fraction = if bytes_total > 0 {
        bytes_done as f32 / bytes_total as f32
    } else if items_total > 0 {
        items_done as f32 / items_total as f32
    } else {
        1.0
    };
    let detail = t!(
        "gui-progress-category",
        done = items_done,
        total = items_total,
        bytes_done = crate::text::bytes(bytes_done),
        bytes_total = crate::text::bytes(bytes_total)
    );
    row![
        icon(category_icon(category), 18.0, false),
        container(text(category_name(category))).width(Length::Fixed(150.0)),
        progress_bar(0.0..=1.0, fraction.clamp(0.0, 1.0)).girth(8),
        container(muted(detail)).width(Length::Fixed(210.0)),
    ]
    .spacing(12)
    .align_y(Alignment::Center)
    .into()
}

/// Vertical space.
pub fn gap(height: f32) -> Space {
    Space::new().height(height)
}

/// A label over a value, for detail panes.
pub fn field<'a, M: 'a>(label: String, value: String) -> Element<'a, M> {
    column![muted(label), text(value).size(size::BODY)].spacing(2).width(Fill).into()
}
