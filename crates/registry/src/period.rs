//! Half-year periods (`YYYY-H1`, `YYYY-H2`) and record ids.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;

/// Which half of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Half {
    /// January–June.
    H1,
    /// July–December.
    H2,
}

/// A half-year period, the unit of the scheduled snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub half: Half,
}

/// Days after a boundary within which the half-year's capture is on time.
pub const ON_TIME_DAYS: u64 = 14;

impl Period {
    /// The period a date falls in.
    pub fn containing(date: NaiveDate) -> Period {
        let half = if date.month() <= 6 {
            Half::H1
        } else {
            Half::H2
        };
        Period {
            year: date.year(),
            half,
        }
    }

    /// The half-year that most recently ended before `today` (`--period auto`).
    pub fn last_ended(today: NaiveDate) -> Period {
        Period::containing(today).previous()
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        match self.half {
            Half::H1 => Period {
                year: self.year - 1,
                half: Half::H2,
            },
            Half::H2 => Period {
                year: self.year,
                half: Half::H1,
            },
        }
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        match self.half {
            Half::H1 => Period {
                year: self.year,
                half: Half::H2,
            },
            Half::H2 => Period {
                year: self.year + 1,
                half: Half::H1,
            },
        }
    }

    /// First day of the period (1 January or 1 July).
    pub fn boundary_start(self) -> NaiveDate {
        let month = match self.half {
            Half::H1 => 1,
            Half::H2 => 7,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The halvårsskifte that ends the period: the first day of the next one.
    /// The snapshot of the period is taken on or after this day.
    pub fn boundary_end(self) -> NaiveDate {
        self.next().boundary_start()
    }

    /// Last day of the period (30 June or 31 December).
    pub fn last_day(self) -> NaiveDate {
        self.boundary_end().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// Whether `date` is in the period.
    pub fn contains(self, date: NaiveDate) -> bool {
        Period::containing(date) == self
    }

    /// A capture taken more than [`ON_TIME_DAYS`] days after the boundary
    /// that ends the period is late.
    pub fn is_late(self, captured: NaiveDate) -> bool {
        (captured - self.boundary_end()).num_days() > ON_TIME_DAYS as i64
    }

    /// "2026 H1", as written in Swedish descriptions.
    pub fn display_sv(self) -> String {
        format!("{} {:?}", self.year, self.half)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:?}", self.year, self.half)
    }
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(s: &str) -> Result<Period, Error> {
        let bad = || Error::BadPeriod(s.to_string());
        let (year, half) = s.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let half = match half {
            "H1" | "h1" => Half::H1,
            "H2" | "h2" => Half::H2,
            _ => return Err(bad()),
        };
        Ok(Period { year, half })
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `s` is a valid slug: non-empty, `[a-z0-9-]` only.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `2026-H1/facebook-kommun`: the record id of a half-year snapshot.
pub fn period_record_id(period: &Period, account: &str) -> String {
    format!("{period}/{account}")
}

/// `evidence/2026-11-21T101503Z-facebook-kommun`: the record id of an ad-hoc capture.
pub fn evidence_record_id(at: DateTime<Utc>, account: &str) -> String {
    format!("evidence/{}-{account}", at.format("%Y-%m-%dT%H%M%SZ"))
}

/// Checks that a record id is one of the two shapes and makes a safe relative path.
pub fn check_record_id(id: &str) -> Result<(), Error> {
    let bad = || Error::BadRecordId(id.to_string());
    let (first, second) = id.split_once('/').ok_or_else(bad)?;
    if second.contains('/') {
        return Err(bad());
    }
    if first == "evidence" {
        // 2026-11-21T101503Z-<slug>
        let ok = second.len() > 19
            && second.is_char_boundary(18)
            && second.as_bytes().get(17) == Some(&b'Z')
            && second.as_bytes().get(18) == Some(&b'-')
            && is_slug(&second[19..])
            && second[..17]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'T');
        if ok {
            return Ok(());
        }
        return Err(bad());
    }
    first.parse::<Period>().map_err(|_| bad())?;
    if !is_slug(second) {
        return Err(bad());
    }
    Ok(())
}

/// The time zone of the archive's calendar: periods, `--since`, and the
/// capture's reading of post dates written as calendar words ("igår",
/// "12 mars"), which is also the page's own clock while it is captured.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Stockholm;

/// The instant day `d` begins in Sweden (midnight, Europe/Stockholm), in
/// UTC: where a period or `--since` starts. The capture gets this instant
/// and knows no time zone.
pub fn start_of_day_stockholm(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = d.and_time(chrono::NaiveTime::MIN);
    midnight
        .and_local_timezone(TIME_ZONE)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&chrono::Utc))
}

/// The calendar day an ISO 8601 date or date-time names, as written (the
/// post's own local date).
pub fn date_of(s: &str) -> Option<NaiveDate> {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The first and last day a post can be from: the day its markup gives, or
/// the days in Sweden a date read from the text shown can mean ("för 3
/// veckor sedan").
pub fn post_days(p: &model::Post) -> Option<(NaiveDate, NaiveDate)> {
    p.date
        .as_deref()
        .and_then(date_of)
        .map(|d| (d, d))
        .or_else(|| {
            p.date_read.as_ref().map(|r| {
                let last = r.until - chrono::TimeDelta::milliseconds(1);
                (day_in_sweden(r.from), day_in_sweden(last.max(r.from)))
            })
        })
}

/// The day it is in Sweden at `t`.
pub fn day_in_sweden(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    t.with_timezone(&TIME_ZONE).date_naive()
}

/// Today's date in Sweden, which decides periods and lateness.
pub fn today_stockholm() -> chrono::NaiveDate {
    day_in_sweden(chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_begins_at_swedish_midnight() {
        use chrono::TimeZone;
        let utc = |y, m, d, h| chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
        assert_eq!(start_of_day_stockholm(d(2026, 1, 1)), utc(2025, 12, 31, 23));
        assert_eq!(start_of_day_stockholm(d(2026, 7, 1)), utc(2026, 6, 30, 22));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods() {
        assert_eq!(Period::containing(d(2026, 6, 30)).to_string(), "2026-H1");
        assert_eq!(Period::containing(d(2026, 7, 1)).to_string(), "2026-H2");
        assert_eq!(Period::last_ended(d(2026, 1, 1)).to_string(), "2025-H2");
        assert_eq!(Period::last_ended(d(2026, 11, 21)).to_string(), "2026-H1");
        let p: Period = "2026-H1".parse().unwrap();
        assert_eq!(p.boundary_start(), d(2026, 1, 1));
        assert_eq!(p.boundary_end(), d(2026, 7, 1));
        assert_eq!(p.last_day(), d(2026, 6, 30));
        assert!(!p.is_late(d(2026, 7, 15)));
        assert!(p.is_late(d(2026, 7, 16)));
        for bad in [
            "2026-H3",
            "26-H1",
            "2026H1",
            "",
            "2026-",
            "-H1",
            "２０２６-H1",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn record_ids() {
        let at = DateTime::parse_from_rfc3339("2026-11-21T10:15:03Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = evidence_record_id(at, "facebook-kommun");
        assert_eq!(id, "evidence/2026-11-21T101503Z-facebook-kommun");
        check_record_id(&id).unwrap();
        check_record_id("2026-H1/facebook-kommun").unwrap();
        for bad in [
            "2026-H1/../x",
            "2026-H1/",
            "../x",
            "2026-H1/a/b",
            "evidence/x",
            "/abs",
            "2026-H1/A",
        ] {
            assert!(check_record_id(bad).is_err(), "{bad}");
        }
    }
}
