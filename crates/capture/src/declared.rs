//! The account's own count against the record: once every page of a record
//! is captured, how many of the posts or videos the platform declares
//! ("412 inlägg") the record holds, and why the rest are not there. A record
//! that may lack items of its period this way gets an `incomplete`
//! obstruction on the page the count was read on.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use model::{DeclaredRest, Finding, Obstruction, PostKind, StopRule, WithoutLogin};

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
/// flags the page when the rest may include items of the period. Where no
/// page declares a count but a page's list needs a login the session lacks,
/// writes what the record holds into that page's `extent.without_login`,
/// flagged where a period is given and the list did not reach back past
/// its start. `since`
/// is the period's start; `cookies` are the session's (a login for the
/// platform's list).
pub fn judge(pages: &mut [PageCapture], since: Option<Since>, cookies: &[Cookie]) {
    let held = Held::of(pages, since);
    if let Some(at) = pages.iter().position(|p| p.facts.extent.declared.is_some()) {
        let logged_in = logged_in(&pages[at], cookies);
        compare(&mut pages[at], &held, since, logged_in);
    } else if let Some(at) = pages.iter().position(|p| p.facts.extent.list_needs_login) {
        if !logged_in(&pages[at], cookies) {
            without_login(&mut pages[at], &held, since.is_some());
        }
    }
}

/// What the pages of a record hold together, for the comparison.
struct Held {
    /// Distinct posts.
    count: u32,
    /// Each post's date as the span it can mean: a moment from the markup,
    /// or the span a date read from the text shown can mean ("3 v").
    dates: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// A post without a date.
    undated: bool,
    /// The rules that ended the pages' captures.
    rules: Vec<StopRule>,
    /// The list was followed past the period's start: a post surely older
    /// than it is in the record, or the depth rule stopped there.
    past_start: bool,
}

impl Held {
    fn of(pages: &[PageCapture], since: Option<Since>) -> Held {
        let mut ids = HashSet::new();
        let mut dates = Vec::new();
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
        let rules: Vec<StopRule> = pages
            .iter()
            .filter_map(|p| p.facts.extent.stop_rule)
            .collect();
        let past_start = rules.contains(&StopRule::PeriodStart)
            || since.is_some_and(|s| dates.iter().any(|(_, until)| *until <= s.at));
        Held {
            count: u32::try_from(ids.len()).unwrap_or(u32::MAX),
            dates,
            undated,
            rules,
            past_start,
        }
    }

    /// How many posts are dated on or after the period's start, counted
    /// only where every post is surely in or surely before the period: a
    /// span across its start leaves the number unknown.
    fn in_period(&self, since: Option<Since>) -> Option<u32> {
        since
            .filter(|s| {
                !self.undated
                    && !self
                        .dates
                        .iter()
                        .any(|(from, until)| *from < s.at && *until > s.at)
            })
            .map(|s| {
                u32::try_from(self.dates.iter().filter(|(from, _)| *from >= s.at).count())
                    .unwrap_or(u32::MAX)
            })
    }
}

/// Whether the session sends a cookie to the site of `page`.
fn logged_in(page: &PageCapture, cookies: &[Cookie]) -> bool {
    cookies.iter().any(|c| c.is_sent_to(&page.facts.final_url))
}

/// The declared count of `page` against what the record holds: why the
/// rest are not there, and an `incomplete` finding where they may include
/// items of the period.
fn compare(page: &mut PageCapture, held: &Held, since: Option<Since>, logged_in: bool) {
    let page = &mut page.facts;
    let Some(declared) = page.extent.declared.as_mut() else {
        return;
    };
    let rest = if u64::from(held.count) >= declared.count {
        DeclaredRest::NoneMissing
    } else if held.past_start {
        DeclaredRest::OutsidePeriod
    } else if held.rules.iter().any(|r| {
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
    declared.held = Some(held.count);
    declared.held_in_period = held.in_period(since);
    declared.rest = Some(rest);
    if rest.is_loss() {
        let finding = Finding::DeclaredNotHeld {
            what: declared.what,
            declared: declared.count,
            held: held.count,
            why: rest,
        };
        page.obstructions.push(Obstruction::found(finding));
    }
}

/// A list that needs a login, captured without one, on an account that
/// declares no count: what the record holds goes into `page`. Where a period
/// is given (`period`) and the list did not reach back past its start, the
/// record may lack posts of the period, which nothing on the page can
/// count: `incomplete`. Without a period nothing says which posts count.
fn without_login(page: &mut PageCapture, held: &Held, period: bool) {
    let page = &mut page.facts;
    page.extent.without_login = Some(WithoutLogin {
        held: held.count,
        past_start: held.past_start,
    });
    if period && !held.past_start {
        let finding = Finding::ListNeedsLogin { held: held.count };
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
        assert_eq!(p[0].facts.extent.without_login, None);
    }

    fn login_only(posts: &[(&str, Option<&str>)]) -> Vec<PageCapture> {
        let mut p = page(None, StopRule::PageEnd, posts);
        p.facts.extent.list_needs_login = true;
        vec![p]
    }

    #[test]
    fn a_list_that_needs_a_login_is_flagged_without_one_unless_it_reached_the_period_start() {
        let in_period = Some("2026-03-01");
        // No count, no login, the list ended inside the period.
        let mut p = login_only(&[("a", in_period), ("b", in_period)]);
        judge(&mut p, since(), &[]);
        let f = &p[0].facts;
        assert_eq!(
            f.extent.without_login,
            Some(WithoutLogin {
                held: 2,
                past_start: false
            })
        );
        assert_eq!(
            f.obstructions
                .iter()
                .map(|o| (o.kind, o.finding.clone()))
                .collect::<Vec<_>>(),
            vec![(
                model::ObstructionKind::Incomplete,
                Some(Finding::ListNeedsLogin { held: 2 })
            )]
        );
        // The list reached back past the period's start: said, not flagged.
        let mut p = login_only(&[("a", in_period), ("b", Some("2025-12-02T10:00:00Z"))]);
        judge(&mut p, since(), &[]);
        assert_eq!(
            p[0].facts.extent.without_login,
            Some(WithoutLogin {
                held: 2,
                past_start: true
            })
        );
        assert!(p[0].facts.obstructions.is_empty());
        // No period (a capture without --since): said, not flagged.
        let mut p = login_only(&[("a", in_period)]);
        judge(&mut p, None, &[]);
        assert_eq!(
            p[0].facts.extent.without_login,
            Some(WithoutLogin {
                held: 1,
                past_start: false
            })
        );
        assert!(p[0].facts.obstructions.is_empty());
        // A login for the site: nothing to say.
        let cookie = Cookie {
            name: "s".into(),
            value: "v".into(),
            domain: "www.instagram.com".into(),
            host_only: true,
            path: "/".into(),
            secure: true,
            http_only: true,
            expires: None,
        };
        let mut p = login_only(&[("a", in_period)]);
        judge(&mut p, since(), &[cookie]);
        assert_eq!(p[0].facts.extent.without_login, None);
        assert!(p[0].facts.obstructions.is_empty());
        // A declared count says more: compared as above, not said twice.
        let mut p = login_only(&[("a", in_period)]);
        p[0].facts.extent.declared = page(Some(9), StopRule::PageEnd, &[]).facts.extent.declared;
        judge(&mut p, since(), &[]);
        assert_eq!(rest(&p), (Some(DeclaredRest::NeedsLogin), Some(1), 1));
        assert_eq!(p[0].facts.extent.without_login, None);
    }
}
