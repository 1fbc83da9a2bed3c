//! Dates as people read them, in the computer's time zone: "today 14:02", "yesterday 09:10",
//! "12 Nov 2026, 14:02". The library speaks UTC nanoseconds; only the app turns them local.

use crate::t;

/// A local civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year, e.g. 2026.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–60.
    pub second: u8,
}

/// The local time of `secs` seconds since the epoch.
#[cfg(unix)]
pub fn local(secs: i64) -> Civil {
    let time = secs as libc::time_t;
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: `localtime_r` is the thread-safe variant; both pointers are valid for the call.
    let ok = !unsafe { libc::localtime_r(&time, &mut tm) }.is_null();
    if !ok {
        return utc(secs);
    }
    Civil {
        year: tm.tm_year + 1900,
        month: (tm.tm_mon + 1) as u8,
        day: tm.tm_mday as u8,
        hour: tm.tm_hour as u8,
        minute: tm.tm_min as u8,
        second: tm.tm_sec as u8,
    }
}

/// The local time of `secs` seconds since the epoch (UTC where the platform has no `localtime_r`).
#[cfg(not(unix))]
pub fn local(secs: i64) -> Civil {
    utc(secs)
}

/// The UTC civil time of `secs` seconds since the epoch.
pub fn utc(secs: i64) -> Civil {
    let time = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    Civil {
        year: time.year(),
        month: time.month() as u8,
        day: time.day(),
        hour: time.hour(),
        minute: time.minute(),
        second: time.second(),
    }
}

fn month_name(month: u8) -> String {
    match month {
        1 => t!("gui-month-1"),
        2 => t!("gui-month-2"),
        3 => t!("gui-month-3"),
        4 => t!("gui-month-4"),
        5 => t!("gui-month-5"),
        6 => t!("gui-month-6"),
        7 => t!("gui-month-7"),
        8 => t!("gui-month-8"),
        9 => t!("gui-month-9"),
        10 => t!("gui-month-10"),
        11 => t!("gui-month-11"),
        _ => t!("gui-month-12"),
    }
}

/// "12 Nov 2026".
pub fn date(secs: i64) -> String {
    let c = local(secs);
    format!("{} {} {}", c.day, month_name(c.month), c.year)
}

/// "today 14:02", "yesterday 09:10" or "12 Nov 2026, 14:02", relative to `now_secs`.
pub fn when(secs: i64, now_secs: i64) -> String {
    let c = local(secs);
    let time = format!("{:02}:{:02}", c.hour, c.minute);
    let today = local(now_secs);
    let yesterday = local(now_secs - 86_400);
    let same = |a: Civil, b: Civil| (a.year, a.month, a.day) == (b.year, b.month, b.day);
    if same(c, today) {
        t!("gui-today-at", time = time)
    } else if same(c, yesterday) {
        t!("gui-yesterday-at", time = time)
    } else {
        format!("{}, {time}", date(secs))
    }
}

/// Now, in seconds since the epoch.
pub fn now_secs() -> i64 {
    crate::vault::now_ns() / 1_000_000_000
}

/// [`when`] for nanoseconds.
pub fn when_ns(ns: i64) -> String {
    when(ns.div_euclid(1_000_000_000), now_secs())
}

/// [`when`] for milliseconds (message and call records).
pub fn when_ms(ms: i64) -> String {
    when(ms.div_euclid(1000), now_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_days() {
        let now = 1_800_000_000;
        assert!(when(now - 60, now).contains(&format!("{:02}", local(now - 60).minute)));
        assert_ne!(when(now, now), when(now - 86_400, now));
        assert_eq!(utc(0), Civil { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
    }
}
