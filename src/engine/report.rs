//! The restore report: per category, what the plan said (will transfer, converted, cannot transfer and why),
//! what the restore did (restored, already there, merged, refused), and what the target holds before and
//! afterwards, with any difference between what it holds and what it should hold explained. The command line prints it as
//! a table and as JSON; the app can show the same rows.

use serde::Serialize;

use crate::data::Category;
use crate::device::CategorySummary;
use crate::t;

use super::fidelity::Reason;
use super::restore::RestoreSummary;

/// How what the target holds afterwards compares with what it should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "check")]
pub enum Check {
    /// The target was not counted: a folder (counting would count everything else in it too), or a device
    /// that did not say.
    NotCounted {
        /// What the device said, when it refused.
        reason: Option<String>,
    },
    /// It holds what it held before plus what was written.
    Matches,
    /// Settings are changed in place, so their number says nothing about the restore.
    InPlace,
    /// It holds fewer than expected.
    Fewer {
        /// How many fewer.
        missing: u64,
    },
    /// It holds more than expected.
    More {
        /// How many more.
        extra: u64,
    },
}

impl Check {
    /// The explanation shown to a person.
    pub fn text(&self) -> String {
        match self {
            Check::NotCounted { reason: Some(reason) } => {
                t!("report-not-counted-because", reason = reason.clone())
            }
            Check::NotCounted { reason: None } => t!("report-not-counted"),
            Check::Matches => t!("report-matches"),
            Check::InPlace => t!("report-in-place"),
            Check::Fewer { missing } => {
                let count: u64 = *missing;
                t!("report-fewer", count = count)
            }
            Check::More { extra } => {
                let count: u64 = *extra;
                t!("report-more", count = count)
            }
        }
    }

    /// The difference as a signed number, when the target was counted.
    pub fn difference(&self) -> Option<i64> {
        match self {
            Check::Matches | Check::InPlace => Some(0),
            Check::Fewer { missing } => Some(-i64::try_from(*missing).unwrap_or(i64::MAX)),
            Check::More { extra } => Some(i64::try_from(*extra).unwrap_or(i64::MAX)),
            Check::NotCounted { .. } => None,
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryReport {
    /// Which category.
    pub category: Category,
    /// Planned to be written, as they are or converted.
    pub will_transfer: u64,
    /// Planned to be converted on the way.
    pub will_convert: u64,
    /// Planned to stay behind.
    pub cannot_transfer: u64,
    /// Why some are converted or stay behind.
    pub reasons: Vec<Reason>,
    /// Written to the target.
    pub restored: u64,
    /// Converted on the way (among those restored or already there).
    pub converted: u64,
    /// Already on the target, left as they were.
    pub already_present: u64,
    /// On the target in another version (edited since the backup), merged into it.
    pub merged: u64,
    /// Refused by the target.
    pub refused: u64,
    /// What the target held before the restore, when counted.
    pub before: Option<u64>,
    /// What it holds afterwards, when counted.
    pub after: Option<u64>,
    /// How `after` compares with `before` plus `restored`.
    #[serde(flatten)]
    pub check: Check,
}

fn counted(list: &[CategorySummary], category: Category) -> Result<Option<u64>, String> {
    match list.iter().find(|s| s.category == category) {
        Some(CategorySummary { unavailable: Some(reason), .. }) => Err(reason.clone()),
        Some(summary) => Ok(Some(summary.items)),
        None => Ok(None),
    }
}

impl RestoreSummary {
    /// The report, one row per category that was planned or restored, in category order.
    pub fn report(&self) -> Vec<CategoryReport> {
        let mut categories: Vec<Category> = self.plan.iter().map(|p| p.category).collect();
        categories.extend(self.categories.keys().copied());
        categories.sort();
        categories.dedup();
        categories
            .into_iter()
            .map(|category| {
                let plan = self.plan.iter().find(|p| p.category == category);
                let count = self.categories.get(&category).cloned().unwrap_or_default();
                let (before, after) = (counted(&self.before, category), counted(&self.after, category));
                let check = match (&before, &after) {
                    (Err(reason), _) | (_, Err(reason)) => Check::NotCounted { reason: Some(reason.clone()) },
                    (Ok(Some(before)), Ok(Some(after))) => {
                        let expected = before + count.restored;
                        if category == Category::Settings {
                            Check::InPlace
                        } else if *after == expected {
                            Check::Matches
                        } else if *after < expected {
                            Check::Fewer { missing: expected - after }
                        } else {
                            Check::More { extra: after - expected }
                        }
                    }
                    _ => Check::NotCounted { reason: None },
                };
                CategoryReport {
                    category,
                    will_transfer: plan.map(|p| p.will_transfer()).unwrap_or(0),
                    will_convert: plan.map(|p| p.converted).unwrap_or(0),
                    cannot_transfer: plan.map(|p| p.impossible).unwrap_or(0),
                    reasons: plan.map(|p| p.reasons.clone()).unwrap_or_default(),
                    restored: count.restored,
                    converted: self.converted.get(&category).copied().unwrap_or(0),
                    already_present: count.already_present,
                    merged: count.merged,
                    refused: count.refused,
                    before: before.ok().flatten(),
                    after: after.ok().flatten(),
                    check,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::RestoreCount;
    use crate::engine::CategoryPlan;

    fn summary(category: Category, items: u64) -> CategorySummary {
        CategorySummary { category, items, bytes: 0, unavailable: None }
    }

    #[test]
    fn differences_are_counted_and_explained() {
        let mut restore = RestoreSummary::default();
        restore.plan.push(CategoryPlan {
            category: Category::Apps,
            as_is: 0,
            converted: 0,
            impossible: 3,
            reasons: vec![Reason::AppsReinstall],
        });
        for (category, restored) in
            [(Category::Contacts, 2), (Category::Messages, 5), (Category::Calls, 3), (Category::Settings, 2)]
        {
            restore.categories.insert(category, RestoreCount { restored, ..RestoreCount::default() });
        }
        restore.categories.insert(Category::Apps, RestoreCount { refused: 3, ..RestoreCount::default() });
        restore.before = vec![
            summary(Category::Contacts, 1),
            summary(Category::Messages, 0),
            summary(Category::Calls, 0),
            summary(Category::Settings, 40),
            summary(Category::Apps, 2),
        ];
        restore.after = vec![
            summary(Category::Contacts, 3),
            summary(Category::Messages, 4),
            summary(Category::Calls, 4),
            summary(Category::Settings, 41),
            CategorySummary { unavailable: Some("pm is gone".into()), ..summary(Category::Apps, 0) },
        ];
        let report = restore.report();
        let check = |category| report.iter().find(|r| r.category == category).unwrap().check.clone();
        assert_eq!(check(Category::Contacts), Check::Matches);
        assert_eq!(check(Category::Messages), Check::Fewer { missing: 1 });
        assert_eq!(check(Category::Calls), Check::More { extra: 1 });
        assert_eq!(check(Category::Settings), Check::InPlace);
        assert_eq!(check(Category::Apps), Check::NotCounted { reason: Some("pm is gone".into()) });
        let apps = report.iter().find(|r| r.category == Category::Apps).unwrap();
        assert_eq!((apps.cannot_transfer, apps.refused, apps.before), (3, 3, Some(2)));
        assert_eq!(Check::Fewer { missing: 1 }.difference(), Some(-1));
        assert!(Check::More { extra: 2 }.text().contains('2'));
        let json = serde_json::to_value(&report[0]).unwrap();
        assert_eq!(json["check"], "matches");
    }

    #[test]
    fn a_folder_is_not_counted() {
        let mut restore = RestoreSummary::default();
        restore.categories.insert(Category::Photos, RestoreCount::one_restored());
        let report = restore.report();
        assert_eq!(report[0].check, Check::NotCounted { reason: None });
        assert_eq!(report[0].check.difference(), None);
    }
}
