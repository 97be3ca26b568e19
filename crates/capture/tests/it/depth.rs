//! How deep a capture goes: a finite page whole, a dated feed back to the
//! period's start, a dateless feed to the height limit, "Visa fler" clicked.

use capture::{Options, Since};
use chrono::{NaiveDate, TimeZone, Utc};
use model::StopRule;

use crate::common::capture;

fn since(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// 1 January 2026 as the CLI resolves it: midnight in Sweden (CET, UTC+1).
fn new_year_2026() -> Option<Since> {
    Some(Since {
        day: since(2026, 1, 1)?,
        at: Utc.with_ymd_and_hms(2025, 12, 31, 23, 0, 0).single()?,
    })
}

/// Post numbers in the text layer ("Inlägg N av många").
fn posts(c: &crate::common::Captured) -> Vec<u32> {
    let mut n: Vec<u32> = c
        .page
        .text_runs
        .iter()
        .filter_map(|r| {
            r.text
                .strip_prefix("Inlägg ")?
                .strip_suffix(" av många")?
                .parse()
                .ok()
        })
        .collect();
    n.sort_unstable();
    n
}

fn assert_followed_to_period_start(path: &str) {
    let opts = Options {
        since: new_year_2026(),
        ..Options::default()
    };
    let c = capture(&opts, path);
    let e = &c.page.facts.extent;
    assert_eq!(e.stop_rule, Some(StopRule::PeriodStart), "{e:?}");
    assert_eq!(e.since, since(2026, 1, 1));
    // Posts come every third day back from 28 June 2026: post 61 is the
    // first from 2025 (30 December), and a batch is ten posts.
    let oldest = e.oldest_post_reached.as_deref().expect("oldest post date");
    assert!(
        oldest.starts_with("2025-12"),
        "oldest post reached {oldest}"
    );
    let got = posts(&c);
    let last = *got.last().expect("posts");
    assert!((61..=70).contains(&last), "stopped at post {last}");
    assert_eq!(
        got,
        (1..=last).collect::<Vec<_>>(),
        "every post once, none missing"
    );
    assert!(c.page.facts.truncated.is_none());
    assert!(
        c.page.facts.obstructions.is_empty(),
        "{:?}",
        c.page.facts.obstructions
    );
}

#[test]
fn a_facebook_style_feed_is_followed_back_to_the_period_start() {
    assert_followed_to_period_start("/layouts/flode-datum/");
}

#[test]
fn an_x_style_feed_is_followed_back_to_the_period_start() {
    assert_followed_to_period_start("/layouts/flode-datum/?stil=x");
}

#[test]
fn a_feed_without_a_period_stops_at_the_height_limit_and_says_so() {
    let opts = Options {
        max_height: 8_000,
        ..Options::default()
    };
    let c = capture(&opts, "/layouts/flode-datum/");
    let f = &c.page.facts;
    assert_eq!(f.extent.stop_rule, Some(StopRule::HeightLimit));
    assert_eq!(f.captured_height, 8_000.0);
    assert!(f.truncated.is_some());
}

#[test]
fn a_finite_page_of_120000_px_is_captured_whole() {
    let c = capture(&Options::default(), "/layouts/lang-sida/");
    let f = &c.page.facts;
    assert_eq!(f.full_height, 120_000.0);
    assert_eq!(f.captured_height, 120_000.0);
    assert_eq!(f.extent.stop_rule, Some(StopRule::PageEnd));
    assert!(f.truncated.is_none());
    assert!(c.texts().contains(&"SLUTMARKÖR 120000"));
    let end = c.count_colour([0, 255, 0]);
    assert!(
        end >= 1280 * 490,
        "the last section is not painted: {end} px"
    );
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}

#[test]
fn a_news_list_behind_visa_fler_is_captured_whole_and_the_clicks_recorded() {
    let c = capture(&Options::default(), "/layouts/visa-fler/");
    let e = &c.page.facts.extent;
    assert_eq!(e.load_more_clicks, vec!["Visa fler nyheter"; 4]);
    for n in 1..=50 {
        let want = format!("Nyhet {n} av 50");
        assert_eq!(
            c.texts().iter().filter(|t| **t == want).count(),
            1,
            "{want} not in the text layer once"
        );
    }
    // The link to another page and the form button were left alone.
    assert!(c.page.facts.final_url.ends_with("/layouts/visa-fler/"));
    assert_eq!(e.stop_rule, Some(StopRule::PageEnd));
}

/// A feed whose dates are relative to the capture, in Swedish and English
/// (`/layouts/flode-relativt/`), followed back to a period that began 30
/// days before the capture: "4 weeks ago", "för 4 veckor sedan" and "för 1
/// månad sedan" may be in the period and are kept; "5 v" (31½ to 42 days) is
/// surely older, so the capture stops with it and holds nothing older. The
/// page updates a date while it is captured ("Just nu" becomes "1 min"):
/// the post is still counted once.
#[test]
fn a_feed_with_relative_dates_stops_after_the_first_post_surely_before_the_period() {
    let start = Utc::now() - chrono::Duration::days(30);
    let opts = Options {
        since: Some(Since {
            day: start.date_naive(),
            at: start,
        }),
        time_zone: Some("Europe/Stockholm".into()),
        // A feed whose dates were not read would stop here, much later.
        max_height: 12_000,
        ..Options::default()
    };
    let c = capture(&opts, "/layouts/flode-relativt/");
    let f = &c.page.facts;
    assert_eq!(f.extent.stop_rule, Some(StopRule::PeriodStart), "{f:?}");
    assert_eq!(
        posts(&c),
        (1..=12).collect::<Vec<_>>(),
        "posts in the record"
    );
    // The page's own clock runs in Swedish time.
    assert!(
        c.texts().contains(&"Sidans tidszon: Europe/Stockholm"),
        "{:?}",
        c.texts()
    );
    // The record keeps the text as shown and the span read from it.
    // Read against the capture's start, to the millisecond.
    let started =
        chrono::DateTime::from_timestamp_millis(f.started.timestamp_millis()).expect("start");
    let reached = f.extent.oldest_post_reached_read.as_ref().expect("read");
    assert_eq!(reached.text, "5 v • Redigerat •");
    assert_eq!(
        started - reached.until,
        chrono::Duration::milliseconds(31 * 86_400_000 + 43_200_000)
    );
    assert_eq!(started - reached.from, chrono::Duration::days(42));
    assert!(f.extent.oldest_post_reached.is_none());
    assert_eq!(f.summary.oldest_post_read.as_ref(), Some(reached));
    assert_eq!(
        f.summary.newest_post_read.as_ref().map(|d| d.text.as_str()),
        Some("1 min")
    );
    let posts = &c.page.posts.as_ref().expect("posts").posts;
    let read: Vec<&str> = posts
        .iter()
        .map(|p| p.date_read.as_ref().map_or("", |d| d.text.as_str()))
        .collect();
    assert_eq!(
        read[..12],
        [
            "1 min",
            "2 tim.",
            "Yesterday at 10:15",
            "3 d",
            "5 days ago",
            "1 v",
            "2w",
            "för 3 veckor sedan",
            "4 weeks ago",
            "för 4 veckor sedan",
            "för 1 månad sedan",
            "5 v • Redigerat •"
        ]
    );
    // "Yesterday at 10:15" is the minute 10:15 of yesterday in Sweden.
    let yesterday = posts[2].date_read.as_ref().expect("yesterday");
    let local = yesterday.from.with_timezone(&chrono_tz::Europe::Stockholm);
    assert_eq!(
        (local.date_naive(), local.format("%H:%M").to_string()),
        (
            started
                .with_timezone(&chrono_tz::Europe::Stockholm)
                .date_naive()
                - chrono::Duration::days(1),
            "10:15".to_string()
        )
    );
    assert_eq!(
        yesterday.until - yesterday.from,
        chrono::Duration::minutes(1)
    );
    // "4 weeks ago": 24½ to 35 days before the capture.
    let four = posts[8].date_read.as_ref().expect("four weeks");
    assert_eq!(started - four.from, chrono::Duration::days(35));
    assert_eq!(started - four.until, chrono::Duration::hours(24 * 24 + 12));
    assert!(posts.iter().all(|p| p.date.is_none()));
    // A post's text is its own, without the date shown (which changes as
    // time passes: "Just nu" became "1 min" during the capture).
    for (p, d) in posts.iter().zip(read) {
        assert!(!p.text.contains(d), "{:?} holds its date", p.text);
        assert!(p.text.starts_with("Inlägg "), "{:?}", p.text);
    }
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}
