//! The depth rule, in one place: how far down a page is followed and
//! captured, and which rule ended it. The page reports what it shows (its
//! height, its oldest post date) each time it grows while scrolled and once
//! at the end; the rule is decided here, from that answer, and nowhere else.

use model::StopRule;

use crate::protocol::Shown;

/// How deep a capture follows a page (see [`crate::options::Options`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Depth {
    /// The period's start (UTC milliseconds), if one is given.
    pub(crate) since_ms: Option<i64>,
    /// How far a growing feed without readable dates is followed, CSS px.
    pub(crate) dateless_max: f64,
    /// How far any page is captured, CSS px.
    pub(crate) page_max: f64,
}

impl Depth {
    pub(crate) fn of(opts: &crate::options::Options) -> Depth {
        Depth {
            since_ms: opts.since.map(|s| s.at.timestamp_millis()),
            dateless_max: f64::from(opts.max_height.max(1)),
            page_max: f64::from(opts.page_limit.max(1)),
        }
    }
}

/// Where a capture ends down the page, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stop {
    pub(crate) rule: StopRule,
    /// The captured height ends here (CSS px), or at the page's end if that
    /// comes first.
    pub(crate) at: f64,
}

/// Whether a page showing `seen` has been followed far enough. `grew`: it
/// grew while scrolled (a feed). A dateless feed ends at the height limit
/// for feeds; any page at the absolute limit; a dated feed once it shows a
/// post surely older than the period's start, where it is then. A date read
/// from text is a span ("för 4 veckor sedan"): it is surely older only when
/// the whole span is before the start, so a post that may be in the period
/// never ends the feed.
pub(crate) fn stop(depth: &Depth, seen: &Shown, grew: bool) -> Option<Stop> {
    let page_max = depth.page_max;
    let dated = depth.since_ms.is_some() && seen.oldest.is_some();
    if grew && !dated && seen.height > depth.dateless_max.min(page_max) {
        let rule = if depth.dateless_max < page_max {
            StopRule::HeightLimit
        } else {
            StopRule::PageLimit
        };
        return Some(Stop {
            rule,
            at: depth.dateless_max.min(page_max),
        });
    }
    if seen.height > page_max {
        return Some(Stop {
            rule: StopRule::PageLimit,
            at: page_max,
        });
    }
    let older = match (depth.since_ms, &seen.oldest) {
        #[allow(clippy::cast_precision_loss)]
        (Some(since), Some(o)) => o.until <= since as f64,
        _ => false,
    };
    (grew && older).then(|| Stop {
        rule: StopRule::PeriodStart,
        at: seen.height.max(1.0),
    })
}

/// Where the capture of a page ends: where following it stopped (`followed`,
/// decided while scrolling), else by the rule on what it shows at the end;
/// else it ran out of time while growing, or it is captured to its end.
pub(crate) fn end(
    depth: &Depth,
    followed: Option<Stop>,
    seen: &Shown,
    grew: bool,
    timed_out: bool,
) -> Stop {
    followed
        .or_else(|| stop(depth, seen, grew))
        .unwrap_or(Stop {
            rule: if timed_out && grew {
                StopRule::TimeLimit
            } else {
                StopRule::PageEnd
            },
            at: depth.page_max,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPTH: Depth = Depth {
        since_ms: Some(1_000),
        dateless_max: 50_000.0,
        page_max: 200_000.0,
    };

    fn seen(height: f64, oldest: Option<f64>) -> Shown {
        Shown {
            height,
            oldest: oldest.map(|ms| crate::protocol::PostDate {
                v: String::new(),
                from: ms,
                until: ms + 1.0,
                text: false,
            }),
        }
    }

    fn spanning(height: f64, from: f64, until: f64) -> Shown {
        Shown {
            height,
            oldest: Some(crate::protocol::PostDate {
                v: "för 4 veckor sedan".into(),
                from,
                until,
                text: true,
            }),
        }
    }

    #[test]
    fn a_span_ends_the_feed_only_when_all_of_it_is_before_the_start() {
        // Partly in the period: go on.
        assert_eq!(
            rule(stop(&DEPTH, &spanning(60_000.0, 500.0, 1_001.0), true)),
            None
        );
        // Ends at the start: surely before it.
        assert_eq!(
            rule(stop(&DEPTH, &spanning(60_000.0, 500.0, 1_000.0), true)),
            Some((StopRule::PeriodStart, 60_000.0))
        );
        // A markup instant one millisecond before the start.
        assert_eq!(
            rule(stop(&DEPTH, &seen(60_000.0, Some(999.0)), true)),
            Some((StopRule::PeriodStart, 60_000.0))
        );
        assert_eq!(
            rule(stop(&DEPTH, &seen(60_000.0, Some(1_000.0)), true)),
            None
        );
    }

    fn rule(s: Option<Stop>) -> Option<(StopRule, f64)> {
        s.map(|s| (s.rule, s.at))
    }

    #[test]
    fn a_growing_feed_is_followed_by_its_dates_or_to_the_feed_limit() {
        // Dated, still within the period: go on.
        assert_eq!(
            rule(stop(&DEPTH, &seen(60_000.0, Some(2_000.0)), true)),
            None
        );
        // A post older than the period's start: stop where the page is.
        assert_eq!(
            rule(stop(&DEPTH, &seen(60_000.0, Some(999.0)), true)),
            Some((StopRule::PeriodStart, 60_000.0))
        );
        // No dates: the feed limit.
        assert_eq!(
            rule(stop(&DEPTH, &seen(50_001.0, None), true)),
            Some((StopRule::HeightLimit, 50_000.0))
        );
        assert_eq!(rule(stop(&DEPTH, &seen(50_000.0, None), true)), None);
        // No period: dates do not matter, the feed limit does.
        let undated = Depth {
            since_ms: None,
            ..DEPTH
        };
        assert_eq!(
            rule(stop(&undated, &seen(50_001.0, Some(0.0)), true)),
            Some((StopRule::HeightLimit, 50_000.0))
        );
        // A feed limit above the page limit is the page limit.
        let deep = Depth {
            dateless_max: 300_000.0,
            ..DEPTH
        };
        assert_eq!(
            rule(stop(&deep, &seen(200_001.0, None), true)),
            Some((StopRule::PageLimit, 200_000.0))
        );
        // A dated feed past the page limit.
        assert_eq!(
            rule(stop(&DEPTH, &seen(200_001.0, Some(5_000.0)), true)),
            Some((StopRule::PageLimit, 200_000.0))
        );
    }

    #[test]
    fn a_page_that_did_not_grow_is_captured_whole_up_to_the_page_limit() {
        // Long, dateless, old posts: none of it matters on a page that did not grow.
        assert_eq!(rule(stop(&DEPTH, &seen(120_000.0, None), false)), None);
        assert_eq!(rule(stop(&DEPTH, &seen(120_000.0, Some(1.0)), false)), None);
        assert_eq!(
            rule(stop(&DEPTH, &seen(250_000.0, None), false)),
            Some((StopRule::PageLimit, 200_000.0))
        );
    }

    #[test]
    fn the_end_is_where_following_stopped_else_time_or_the_page_end() {
        let followed = Stop {
            rule: StopRule::PeriodStart,
            at: 7_000.0,
        };
        assert_eq!(
            end(&DEPTH, Some(followed), &seen(9_000.0, None), true, false),
            followed
        );
        let e = end(&DEPTH, None, &seen(9_000.0, Some(2_000.0)), true, true);
        assert_eq!(e.rule, StopRule::TimeLimit);
        let e = end(&DEPTH, None, &seen(9_000.0, None), false, true);
        assert_eq!(e.rule, StopRule::PageEnd);
        // A feed that grew past the feed limit after the pass (comments expanded).
        let e = end(&DEPTH, None, &seen(52_000.0, None), true, false);
        assert_eq!((e.rule, e.at), (StopRule::HeightLimit, 50_000.0));
    }
}
