//! The account's own count against the record: once every page of a record
//! is captured, how many of the posts or videos the platform declares
//! ("412 inlägg") the record holds, and why the rest are not there. A record
//! that may lack items of its period this way gets an `incomplete`
//! obstruction on the page the count was read on.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use model::{DeclaredRest, Finding, Obstruction, PostKind, StopRule};

use crate::cookies::Cookie;
use crate::devtools::Session;
use crate::options::{PageCapture, Since};

impl Session {
    /// Compares the account's declared count (read on one of `pages`) with
    /// the posts the pages hold together, after every page of a record is
    /// captured (see `declared.rs`): the comparison goes into that page's
    /// `extent.declared`, and a possible loss of the period's items into its
    /// obstructions.
    pub fn judge_declared(&self, pages: &mut [PageCapture]) {
        judge(pages, self.opts.since, &self.opts.cookies);
    }
}

/// Compares the first declared count among `pages` with the posts they hold
/// together, writes the comparison into that page's `extent.declared`, and
/// flags the page when the rest may include items of the period. `since`
/// is the period's start; `cookies` are the session's (a login for the
/// platform's list).
pub fn judge(pages: &mut [PageCapture], since: Option<Since>, cookies: &[Cookie]) {
    let Some(at) = pages.iter().position(|p| p.facts.extent.declared.is_some()) else {
        return;
    };
    let mut ids = HashSet::new();
    // Each post's date as the span it can mean: a moment from the markup,
    // or the span a date read from the text shown can mean ("3 v").
    let mut dates: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let mut undated = false;
    for post in pages
        .iter()
        .filter_map(|p| p.posts.as_ref())
        .flat_map(|p| &p.posts)
        .filter(|p| p.kind == PostKind::Post)
    {
        if ids.insert(post.id.as_str()) {
            let span = post
                .date
                .as_deref()
                .and_then(instant)
                // A moment: the millisecond it names, as the page code has it.
                .map(|d| (d, d + chrono::TimeDelta::milliseconds(1)))
                .or_else(|| post.date_read.as_ref().map(|r| (r.from, r.until)));
            match span {
                Some(d) => dates.push(d),
                None => undated = true,
            }
        }
    }
    let held = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    let rules: Vec<StopRule> = pages
        .iter()
        .filter_map(|p| p.facts.extent.stop_rule)
        .collect();
    let host = host_of(&pages[at].facts.final_url);
    let logged_in = cookies.iter().any(|c| sent_to(c, &host));
    let page = &mut pages[at].facts;
    let Some(declared) = page.extent.declared.as_mut() else {
        return;
    };
    // Counted only where every post is surely in or surely before the
    // period: a span across its start leaves the number unknown.
    let held_in_period = since
        .filter(|s| {
            !undated
                && !dates
                    .iter()
                    .any(|(from, until)| *from < s.at && *until > s.at)
        })
        .map(|s| {
            u32::try_from(dates.iter().filter(|(from, _)| *from >= s.at).count())
                .unwrap_or(u32::MAX)
        });
    // The list was followed past the period's start: a post surely older
    // than it is in the record, or the depth rule stopped there.
    let past_start = rules.contains(&StopRule::PeriodStart)
        || since.is_some_and(|s| dates.iter().any(|(_, until)| *until <= s.at));
    let rest = if u64::from(held) >= declared.count {
        DeclaredRest::NoneMissing
    } else if past_start {
        DeclaredRest::OutsidePeriod
    } else if rules.iter().any(|r| {
        matches!(
            r,
            StopRule::HeightLimit | StopRule::PageLimit | StopRule::TimeLimit
        )
    }) {
        DeclaredRest::CaptureLimit
    } else if declared.login_for_more && !logged_in {
        DeclaredRest::NeedsLogin
    } else {
        DeclaredRest::NewestOnly
    };
    declared.held = Some(held);
    declared.held_in_period = held_in_period;
    declared.rest = Some(rest);
    if rest.is_loss() {
        let finding = Finding::DeclaredNotHeld {
            what: declared.what,
            declared: declared.count,
            held,
            why: rest,
        };
        page.obstructions.push(Obstruction::found(finding));
    }
}

/// A post date as the markup gives it (a date-time, or a day taken as its
/// start in UTC).
fn instant(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            v.get(..10)
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

/// Whether a browser sends `cookie` to `host`.
fn sent_to(cookie: &Cookie, host: &str) -> bool {
    let domain = cookie.domain.trim_start_matches('.').to_ascii_lowercase();
    host == domain || (!cookie.host_only && host.ends_with(&format!(".{domain}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Declared, DeclaredSource, DeclaredWhat, Extent, PageFacts, Post, PostIdKind};

    fn page(declared: Option<u64>, rule: StopRule, posts: &[(&str, Option<&str>)]) -> PageCapture {
        let facts: PageFacts = serde_json::from_value(serde_json::json!({
            "label": "01-start", "requested_url": "https://www.instagram.com/k/",
            "final_url": "https://www.instagram.com/k/", "title": "", "started": "2026-07-01T08:00:00Z",
            "ended": "2026-07-01T08:00:10Z", "viewport_width": 1280, "viewport_height": 900,
            "device_scale": 1.0, "full_height": 900.0, "captured_height": 900.0,
            "summary": {"title": "", "word_count": 0}, "user_agent": "", "browser_version": "",
            "tiles": [], "text_file": ""
        }))
        .unwrap();
        let mut facts = facts;
        facts.extent = Extent {
            stop_rule: Some(rule),
            declared: declared.map(|count| Declared {
                what: DeclaredWhat::Posts,
                count,
                approximate: false,
                text: format!("{count} inlägg"),
                read_from: DeclaredSource::ProfileHeader,
                login_for_more: true,
                held: None,
                held_in_period: None,
                rest: None,
            }),
            ..Extent::default()
        };
        let posts = posts
            .iter()
            .map(|(id, date)| Post {
                id: (*id).to_string(),
                id_kind: PostIdKind::PlatformId,
                kind: PostKind::Post,
                parent: None,
                url: None,
                date: date.map(str::to_string),
                date_read: None,
                author: None,
                text: String::new(),
                page: "01-start".into(),
                x: 0.0,
                y: 0.0,
                width: 1.0,
                height: 1.0,
                pdf_page: None,
            })
            .collect();
        PageCapture {
            facts,
            text_runs: Vec::new(),
            posts: Some(crate::options::PagePosts {
                profile: model::Profile::default(),
                posts,
            }),
            phases: Vec::new(),
        }
    }

    fn since() -> Option<Since> {
        Some(Since {
            day: "2026-01-01".parse().unwrap(),
            at: "2025-12-31T23:00:00Z".parse().unwrap(),
        })
    }

    fn rest(pages: &[PageCapture]) -> (Option<DeclaredRest>, Option<u32>, usize) {
        let d = pages[0].facts.extent.declared.as_ref().unwrap();
        (d.rest, d.held, pages[0].facts.obstructions.len())
    }

    #[test]
    fn a_declared_count_is_compared_with_the_posts_of_every_page() {
        let in_period = Some("2026-03-01");
        // 412 declared, 2 held without a login: the platform shows no more.
        let mut p = vec![page(
            Some(412),
            StopRule::PageEnd,
            &[("a", in_period), ("b", in_period)],
        )];
        judge(&mut p, since(), &[]);
        assert_eq!(rest(&p), (Some(DeclaredRest::NeedsLogin), Some(2), 1));
        let d = p[0].facts.extent.declared.as_ref().unwrap();
        assert_eq!(d.held_in_period, Some(2));
        assert_eq!(
            p[0].facts.obstructions[0].kind,
            model::ObstructionKind::Incomplete
        );
        // The same with a cookie for the site: the page shows only the newest.
        let cookie = Cookie {
            name: "s".into(),
            value: "v".into(),
            domain: ".instagram.com".into(),
            host_only: false,
            path: "/".into(),
            secure: true,
            http_only: true,
            expires: None,
        };
        let mut p = vec![page(Some(412), StopRule::PageEnd, &[("a", in_period)])];
        judge(&mut p, since(), &[cookie]);
        assert_eq!(rest(&p), (Some(DeclaredRest::NewestOnly), Some(1), 1));
        // A post older than the period is held: the rest are older still.
        let mut p = vec![page(
            Some(412),
            StopRule::PageEnd,
            &[("a", in_period), ("b", Some("2025-11-02T10:00:00Z"))],
        )];
        judge(&mut p, since(), &[]);
        assert_eq!(rest(&p), (Some(DeclaredRest::OutsidePeriod), Some(2), 0));
        // A limit stopped the capture.
        let mut p = vec![page(Some(412), StopRule::HeightLimit, &[("a", None)])];
        judge(&mut p, since(), &[]);
        assert_eq!(rest(&p), (Some(DeclaredRest::CaptureLimit), Some(1), 1));
        assert_eq!(
            p[0].facts.extent.declared.as_ref().unwrap().held_in_period,
            None,
            "an undated post: the period's share is not known"
        );
        // The start page declares 3, a second page lists them (one on both).
        let mut p = vec![
            page(Some(3), StopRule::PageEnd, &[("a", None)]),
            page(
                None,
                StopRule::PageEnd,
                &[("a", None), ("b", None), ("c", None)],
            ),
        ];
        judge(&mut p, since(), &[]);
        assert_eq!(rest(&p), (Some(DeclaredRest::NoneMissing), Some(3), 0));
        // Nothing declared: nothing compared.
        let mut p = vec![page(None, StopRule::PageEnd, &[("a", None)])];
        judge(&mut p, since(), &[]);
        assert!(p[0].facts.extent.declared.is_none() && p[0].facts.obstructions.is_empty());
    }
}
