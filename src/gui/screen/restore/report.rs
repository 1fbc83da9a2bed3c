//! The wizard's two reports: before the restore, the fidelity report (per category, how many items will
//! transfer as they are, how many are converted, how many cannot transfer, and why); after it, what happened
//! per category (restored, already there, refused) and whether the target holds what was sent.

use iced::widget::{Column, column, container, row, scrollable, text};
use iced::{Alignment, Element, Fill, Length};

use super::{Message, Target, Wizard};
use crate::data::Category;
use crate::engine::{CategoryPlan, CategoryReport, Check, RestoreSummary};
use crate::gui::devices::Source;
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

fn header<'a>(columns: Vec<String>) -> Element<'a, Message> {
    let mut line = row![container(widget::muted(t!("gui-col-category"))).width(Length::Fixed(NAME))];
    for label in columns {
        line = line.push(container(widget::muted(label)).width(Length::Fixed(NUMBER)));
    }
    line.into()
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

    /// The target as the summary names it: a phone with its serial (two phones of one model look alike).
    fn target_line(&self) -> String {
        match &self.target {
            Some(Target::Device(device)) if matches!(device.source, Source::Phone(_)) => {
                format!("{} ({})", device.identity.name, device.identity.serial)
            }
            _ => self.target_name(),
        }
    }

    /// The summary step: what, from where, into where, and the fidelity report.
    pub(super) fn summary(&self) -> Element<'_, Message> {
        let Some(snapshot) = &self.snapshot else { return widget::muted("") };
        let target = self.target_name();
        let mut list = column![
            widget::heading(t!("gui-restore-will")),
            text(t!("gui-restore-from", snapshot = snapshot_line(snapshot))).size(size::BODY),
            text(t!("gui-restore-into", target = self.target_line())).size(size::BODY),
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
                    content = content.push(widget::progress_row(c));
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
        header(vec![t!("gui-fidelity-as-is"), t!("gui-fidelity-converted"), t!("gui-fidelity-impossible")]),
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

/// What the restore did, per category, from the engine's restore report: restored, already there, refused,
/// and for a phone what it held before and holds afterwards. A category whose count afterwards is not what it
/// held before plus what was restored is explained under the table.
fn result<'a>(summary: &RestoreSummary, target: &str) -> Element<'a, Message> {
    let rows = summary.report();
    let counted = rows.iter().any(|r| r.after.is_some());
    let mut columns = vec![t!("gui-restored"), t!("gui-already-there"), t!("gui-refused")];
    if counted {
        columns.push(t!("gui-before-after"));
    }
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
        header(columns),
    ]
    .spacing(8);
    for report in &rows {
        let mut line = row![
            category_cell(report.category),
            number(report.restored, plain),
            number(report.already_present, plain),
            number(report.refused, theme::danger_text),
        ]
        .align_y(Alignment::Center);
        if counted {
            let cell = match (report.before, report.after) {
                (Some(before), Some(after)) => format!("{before} → {after}"),
                (None, Some(after)) => after.to_string(),
                _ => "–".to_string(),
            };
            let differs = matches!(report.check, Check::Fewer { .. } | Check::More { .. });
            let style = if differs { theme::warning_text } else { plain };
            line =
                line.push(container(text(cell).size(size::BODY).style(style)).width(Length::Fixed(NUMBER)));
        }
        content = content.push(line);
        let notes = summary.categories.get(&report.category).map(|c| c.notes.as_slice()).unwrap_or_default();
        for note in notes.iter().take(5) {
            content = content.push(
                container(text(note.clone()).size(size::SMALL).style(theme::muted))
                    .padding(iced::Padding { left: 28.0, ..iced::Padding::ZERO }),
            );
        }
    }
    let explained = differences(&rows);
    if counted && !explained.iter().any(|(_, warning)| *warning) {
        content = content.push(
            container(text(t!("gui-after-all-there", target = target)).size(size::BODY))
                .padding(10)
                .style(theme::note),
        );
    }
    for (sentence, warning) in explained {
        let sentence = container(text(sentence).size(size::BODY)).padding(10);
        content = content.push(if warning { sentence.style(theme::warning_box) } else { sentence });
    }
    for failure in summary.failures.iter().take(20) {
        content = content.push(
            text(format!("{}: {}", failure.path, failure.reason)).size(size::SMALL).style(theme::danger_text),
        );
    }
    content.into()
}

/// The sentences under the result table: a category holding fewer or more than expected (a warning), one
/// that could not be counted afterwards and why, and what was converted on the way. A category that matches,
/// a setting changed in place, or a folder (never counted) needs no sentence.
pub fn differences(rows: &[CategoryReport]) -> Vec<(String, bool)> {
    let mut sentences = Vec::new();
    for report in rows {
        let category = widget::category_name(report.category);
        if report.converted > 0 {
            sentences.push((
                t!(
                    "report-converted",
                    category = category.clone(),
                    done = report.converted,
                    planned = report.will_convert
                ),
                false,
            ));
        }
        let warning = match &report.check {
            Check::Fewer { .. } | Check::More { .. } => true,
            Check::NotCounted { reason: Some(_) } => false,
            Check::NotCounted { reason: None } | Check::Matches | Check::InPlace => continue,
        };
        sentences.push((t!("report-line", category = category, explanation = report.check.text()), warning));
    }
    sentences
}
