//! The wizard's two reports: before the restore, the fidelity report (per category, how many items will
//! transfer as they are, how many are converted, how many cannot transfer, and why); after it, what happened
//! per category (restored, already there, refused) and whether the target holds what was sent.

use iced::widget::{Column, column, container, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length};

use super::{Message, Target, Wizard};
use crate::data::Category;
use crate::engine::{CategoryPlan, RestoreSummary};
use crate::gui::screen::backups::snapshot_line;
use crate::gui::theme::{self, BOLD, size};
use crate::gui::widget::{self, Icon, icon};
use crate::t;

/// Width of a table's first column (icon and category name) and of each number column.
const NAME: f32 = 210.0;
const NUMBER: f32 = 130.0;

/// A category's icon and name, as a table's first cell.
fn category_cell<'a>(category: Category) -> Element<'a, Message> {
    row![
        icon(widget::category_icon(category), 18.0, false),
        text(widget::category_name(category)).size(size::BODY)
    ]
    .spacing(10)
    .align_y(Alignment::Center)
    .width(Length::Fixed(NAME))
    .into()
}

/// A number in a table; coloured when it is something to read (converted, cannot transfer, refused).
fn number<'a>(count: u64, style: fn(&iced::Theme) -> text::Style) -> Element<'a, Message> {
    let label = text(count.to_string()).size(size::BODY);
    let label = if count > 0 { label.style(style) } else { label.style(theme::muted) };
    container(label).width(Length::Fixed(NUMBER)).into()
}

fn plain(theme: &iced::Theme) -> text::Style {
    text::Style { color: Some(theme.palette().text) }
}

fn header<'a>(columns: [String; 3]) -> Element<'a, Message> {
    let [a, b, c] = columns;
    row![
        container(widget::muted(t!("gui-col-category"))).width(Length::Fixed(NAME)),
        container(widget::muted(a)).width(Length::Fixed(NUMBER)),
        container(widget::muted(b)).width(Length::Fixed(NUMBER)),
        container(widget::muted(c)).width(Length::Fixed(NUMBER)),
    ]
    .into()
}

impl Wizard {
    /// The target's name for sentences.
    fn target_name(&self) -> String {
        match &self.target {
            Some(Target::Folder(path)) => path.display().to_string(),
            Some(Target::Device(device)) => device.identity.name.clone(),
            None => String::new(),
        }
    }

    /// The summary step: what, from where, into where, and the fidelity report.
    pub(super) fn summary(&self) -> Element<'_, Message> {
        let Some(snapshot) = &self.snapshot else { return widget::muted("") };
        let target = self.target_name();
        let mut list = column![
            widget::heading(t!("gui-restore-will")),
            text(t!("gui-restore-from", snapshot = snapshot_line(snapshot))).size(size::BODY),
            text(t!("gui-restore-into", target = target.clone())).size(size::BODY),
            widget::gap(6.0),
        ]
        .spacing(8);
        match self.plan.as_ref().map(|(_, result)| result) {
            Some(Some(Ok(plans))) => list = list.push(fidelity(plans)),
            Some(Some(Err(e))) => {
                list = list.push(
                    container(text(t!("gui-fidelity-failed", reason = e.clone())).size(size::BODY))
                        .padding(10)
                        .style(theme::error_box),
                )
            }
            Some(None) | None => {
                for (category, totals) in
                    snapshot.totals.iter().filter(|(c, _)| self.categories.contains(**c))
                {
                    list = list.push(
                        row![
                            category_cell(*category),
                            widget::muted(format!(
                                "{} · {}",
                                t!("gui-items", count = totals.items),
                                crate::text::bytes(totals.bytes)
                            ))
                        ]
                        .align_y(Alignment::Center),
                    );
                }
                list = list.push(widget::muted(t!("gui-fidelity-checking", target = target)));
            }
        }
        if !self.excluded_folders.is_empty() {
            list = list.push(widget::muted(t!(
                "gui-restore-leaving-out",
                folders = self.excluded_folders.join(", ")
            )));
        }
        list = list.push(widget::muted(if self.overwrite {
            t!("gui-restore-overwrites")
        } else {
            t!("gui-restore-keeps")
        }));
        scrollable(list).into()
    }

    /// The run step: progress, then what happened.
    pub(super) fn run(&self) -> Element<'_, Message> {
        let mut content = Column::new().spacing(12);
        match (&self.result, &self.status) {
            (Some(Ok(summary)), _) => content = content.push(result(summary, &self.target_name())),
            (Some(Err(e)), _) => {
                content = content.push(
                    row![icon(Icon::Warning, 24.0, false), widget::heading(t!("gui-restore-failed"))]
                        .spacing(10),
                );
                content = content.push(container(text(e.clone())).padding(10).style(theme::error_box))
            }
            (None, Some(status)) => {
                for c in &status.categories {
                    content = content.push(widget::progress_row(
                        c.category,
                        c.items_done,
                        c.items_total,
                        c.bytes_done,
                        c.bytes_total,
                    ));
                }
                content =
                    content.push(widget::secondary(Icon::Close, t!("gui-cancel"), Some(Message::Cancel)));
            }
            (None, None) => content = content.push(widget::muted(t!("gui-starting"))),
        }
        scrollable(content).into()
    }
}

/// The fidelity table, then every reason once, under its category.
fn fidelity<'a>(plans: &[CategoryPlan]) -> Element<'a, Message> {
    let mut table = column![
        text(t!("gui-fidelity-title")).font(BOLD),
        header([t!("gui-fidelity-as-is"), t!("gui-fidelity-converted"), t!("gui-fidelity-impossible")]),
    ]
    .spacing(8);
    for plan in plans {
        table = table.push(
            row![
                category_cell(plan.category),
                number(plan.as_is, plain),
                number(plan.converted, theme::warning_text),
                number(plan.impossible, theme::danger_text),
            ]
            .align_y(Alignment::Center),
        );
        for reason in &plan.reasons {
            table = table.push(
                container(text(reason.text()).size(size::SMALL).style(theme::muted))
                    .padding(iced::Padding { left: 28.0, ..iced::Padding::ZERO }),
            );
        }
    }
    let note = if plans.iter().all(|p| p.converted == 0 && p.impossible == 0) {
        container(text(t!("gui-fidelity-all-as-is")).size(size::BODY)).padding(10).style(theme::note)
    } else {
        container(text(t!("gui-fidelity-some-not")).size(size::BODY)).padding(10).style(theme::warning_box)
    };
    column![table, note].spacing(14).width(Fill).into()
}

/// What the restore did, per category, and what the target holds afterwards.
fn result<'a>(summary: &RestoreSummary, target: &str) -> Element<'a, Message> {
    let mut content = column![
        row![
            icon::accent(Icon::Check, 24.0),
            widget::heading(t!(
                "gui-restore-done",
                count = summary.restored(),
                size = crate::text::bytes(summary.bytes)
            ))
        ]
        .spacing(10)
        .align_y(Alignment::Center),
        header([t!("gui-restored"), t!("gui-already-there"), t!("gui-refused")]),
    ]
    .spacing(8);
    for (category, count) in &summary.categories {
        content = content.push(
            row![
                category_cell(*category),
                number(count.restored, plain),
                number(count.already_present, plain),
                number(count.refused, theme::danger_text),
            ]
            .align_y(Alignment::Center),
        );
        for note in count.notes.iter().take(5) {
            content = content.push(
                container(text(note.clone()).size(size::SMALL).style(theme::muted))
                    .padding(iced::Padding { left: 28.0, ..iced::Padding::ZERO }),
            );
        }
    }
    if !summary.after.is_empty() {
        content = content.push(widget::gap(6.0)).push(text(t!("gui-after-title", target = target)).font(BOLD));
        for line in after_lines(summary) {
            let (sentence, short) = line;
            let sentence = text(sentence).size(size::BODY);
            content = content.push(if short {
                container(sentence).padding(8).style(theme::warning_box)
            } else {
                container(sentence)
            });
        }
    }
    for failure in summary.failures.iter().take(20) {
        content = content.push(
            text(format!("{}: {}", failure.path, failure.reason)).size(size::SMALL).style(theme::danger_text),
        );
    }
    content.into()
}

/// One sentence per category the target was counted for, and whether it holds fewer than were sent (restored
/// plus already there): that difference is what a person must know about.
pub fn after_lines(summary: &RestoreSummary) -> Vec<(String, bool)> {
    summary
        .after
        .iter()
        .map(|held| {
            let category = widget::category_name(held.category);
            if let Some(reason) = &held.unavailable {
                return (t!("gui-after-unknown", category = category, reason = reason.clone()), true);
            }
            let sent = summary.categories.get(&held.category).map(|c| c.restored + c.already_present).unwrap_or(0);
            if held.items < sent {
                (t!("gui-after-short", category = category, sent = sent, held = held.items), true)
            } else {
                (t!("gui-after-holds", category = category, held = held.items), false)
            }
        })
        .collect()
}
