//! A mentor's office hours: weekly windows in their own time zone, cut into slots
//! of one length; the free ones are those no scheduled meeting of theirs overlaps.
//! Pure: the services pass in the meetings and the clock.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use utoipa::ToSchema;

/// One weekly window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Window {
    /// 1 (Monday) to 7 (Sunday).
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: u8,
    /// `HH:MM`, in the mentor's time zone.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    /// `HH:MM` after `start` (`24:00` for midnight at the end of the day).
    #[schema(pattern = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub end: String,
}

/// The windows as one column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Windows(pub Vec<Window>);

pub const MAX_WINDOWS: usize = 50;
pub const SLOT_MINUTES: (i64, i64) = (10, 240);
pub const MAX_DAYS: i64 = 62;
/// The most slots one answer lists (earliest first): overlapping windows of short
/// slots over many days would otherwise make tens of thousands.
pub const MAX_SLOTS: usize = 500;

/// Minutes since midnight of `HH:MM` (`24:00` only when `end`).
fn minutes(raw: &str, end: bool) -> Result<i64, String> {
    if end && raw == "24:00" {
        return Ok(24 * 60);
    }
    NaiveTime::parse_from_str(raw, "%H:%M")
        .ok()
        .filter(|_| raw.len() == 5)
        .map(|t| (t.signed_duration_since(NaiveTime::MIN)).num_minutes())
        .ok_or_else(|| "times are written HH:MM, from 00:00 to 24:00".to_string())
}

/// Checks windows: weekday 1–7, `start` before `end`, at most `MAX_WINDOWS`.
pub fn parse_windows(raw: &[Window]) -> Result<Vec<Window>, String> {
    if raw.len() > MAX_WINDOWS {
        return Err(format!("at most {MAX_WINDOWS} windows"));
    }
    for w in raw {
        if !(1..=7).contains(&w.weekday) {
            return Err("weekday is 1 (Monday) to 7 (Sunday)".into());
        }
        if minutes(&w.start, false)? >= minutes(&w.end, true)? {
            return Err(format!(
                "a window must end after it starts ({}–{})",
                w.start, w.end
            ));
        }
    }
    Ok(raw.to_vec())
}

/// Office hours ready to be cut into slots.
#[derive(Debug, Clone)]
pub struct Hours {
    pub timezone: String,
    pub slot_minutes: i64,
    pub windows: Vec<Window>,
}

/// A slot, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Hours {
    /// Free slots on the `days` local dates from `from`, that start after `now` and
    /// overlap none of `busy`. A local time that a clock change skips has no slot;
    /// one it repeats has the first.
    pub fn free_slots(
        &self,
        from: NaiveDate,
        days: i64,
        now: DateTime<Utc>,
        busy: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> Vec<Slot> {
        let Ok(tz) = Tz::from_str(&self.timezone) else {
            return Vec::new();
        };
        let length = Duration::minutes(self.slot_minutes.max(1));
        let mut out = std::collections::BTreeSet::new();
        for day in from.iter_days().take(days.clamp(0, MAX_DAYS) as usize) {
            let weekday = day.weekday().number_from_monday() as u8;
            for w in self.windows.iter().filter(|w| w.weekday == weekday) {
                let (Ok(start), Ok(end)) = (minutes(&w.start, false), minutes(&w.end, true)) else {
                    continue;
                };
                let mut at = start;
                while at + self.slot_minutes <= end {
                    let local = day.and_time(NaiveTime::MIN) + Duration::minutes(at);
                    at += self.slot_minutes;
                    let Some(starts_at) = tz.from_local_datetime(&local).earliest() else {
                        continue;
                    };
                    let slot = Slot {
                        starts_at: starts_at.with_timezone(&Utc),
                        ends_at: starts_at.with_timezone(&Utc) + length,
                    };
                    let taken = busy
                        .iter()
                        .any(|(s, e)| *s < slot.ends_at && slot.starts_at < *e);
                    if slot.starts_at > now && !taken {
                        out.insert((slot.starts_at, slot.ends_at));
                    }
                }
            }
        }
        out.into_iter()
            .take(MAX_SLOTS)
            .map(|(starts_at, ends_at)| Slot { starts_at, ends_at })
            .collect()
    }

    /// The local date of an instant in the mentor's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        Tz::from_str(&self.timezone)
            .map(|tz| at.with_timezone(&tz).date_naive())
            .unwrap_or_else(|_| at.date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(tz: &str, windows: &[(u8, &str, &str)]) -> Hours {
        Hours {
            timezone: tz.into(),
            slot_minutes: 30,
            windows: windows
                .iter()
                .map(|(d, s, e)| Window {
                    weekday: *d,
                    start: s.to_string(),
                    end: e.to_string(),
                })
                .collect(),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn windows_are_cut_into_slots_in_the_mentors_zone() {
        // Monday 2027-01-04, Berlin is UTC+1 in winter.
        let h = hours("Europe/Berlin", &[(1, "09:00", "10:30")]);
        let slots = h.free_slots(
            "2027-01-04".parse().unwrap(),
            7,
            utc("2027-01-01T00:00:00Z"),
            &[],
        );
        let starts: Vec<_> = slots.iter().map(|s| s.starts_at.to_rfc3339()).collect();
        assert_eq!(
            starts,
            [
                "2027-01-04T08:00:00+00:00",
                "2027-01-04T08:30:00+00:00",
                "2027-01-04T09:00:00+00:00"
            ]
        );
        assert_eq!(slots[0].ends_at, utc("2027-01-04T08:30:00Z"));
    }

    #[test]
    fn slots_that_are_past_or_overlap_a_meeting_are_not_free() {
        let h = hours("UTC", &[(1, "09:00", "11:00")]);
        let busy = [(utc("2027-01-04T09:45:00Z"), utc("2027-01-04T10:15:00Z"))];
        let slots = h.free_slots(
            "2027-01-04".parse().unwrap(),
            1,
            utc("2027-01-04T09:10:00Z"),
            &busy,
        );
        let starts: Vec<_> = slots.iter().map(|s| s.starts_at).collect();
        assert_eq!(starts, [utc("2027-01-04T10:30:00Z")]);
    }

    #[test]
    fn a_local_time_the_clock_skips_has_no_slot() {
        // 2027-03-28: Berlin moves from 02:00 to 03:00 (a Sunday).
        let h = hours("Europe/Berlin", &[(7, "02:00", "03:30")]);
        let slots = h.free_slots(
            "2027-03-28".parse().unwrap(),
            1,
            utc("2027-01-01T00:00:00Z"),
            &[],
        );
        let starts: Vec<_> = slots.iter().map(|s| s.starts_at).collect();
        assert_eq!(starts, [utc("2027-03-28T01:00:00Z")]);
    }

    #[test]
    fn windows_are_checked() {
        let w = |d, s: &str, e: &str| Window {
            weekday: d,
            start: s.into(),
            end: e.into(),
        };
        assert!(parse_windows(&[w(1, "09:00", "17:00")]).is_ok());
        assert!(parse_windows(&[w(7, "22:00", "24:00")]).is_ok());
        assert!(parse_windows(&[w(0, "09:00", "17:00")]).is_err());
        assert!(parse_windows(&[w(8, "09:00", "17:00")]).is_err());
        assert!(parse_windows(&[w(1, "17:00", "09:00")]).is_err());
        assert!(parse_windows(&[w(1, "9:00", "17:00")]).is_err());
        assert!(parse_windows(&[w(1, "24:00", "24:00")]).is_err());
        assert!(parse_windows(&vec![w(1, "09:00", "10:00"); 51]).is_err());
    }
}
