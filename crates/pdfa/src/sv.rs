//! Swedish for people: dates, times, numbers, and the capture's own notes put into Swedish.
//!
//! The capture writes its warnings, truncation reasons and obstruction details in
//! English for the log. The cover page is read by an archivist, so each known
//! wording is rendered in Swedish from the numbers and quotes inside it; a note
//! with no Swedish rendering is not shown in English but pointed to in `record.json`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Europe::Stockholm;

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// `28 juni 2026`
pub(crate) fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `kl. 09.15`, or `kl. 09.15.07` with seconds.
fn clock(t: impl Timelike, seconds: bool) -> String {
    if seconds {
        format!("kl. {:02}.{:02}.{:02}", t.hour(), t.minute(), t.second())
    } else {
        format!("kl. {:02}.{:02}", t.hour(), t.minute())
    }
}

/// Whether Swedish summer time is in force at `t`.
fn summer(t: DateTime<Utc>) -> bool {
    use chrono::Offset;
    t.with_timezone(&Stockholm).offset().fix().local_minus_utc() == 7200
}

/// `1 juli 2026 kl. 10.00.05 (sommartid)`: Swedish time, to the second.
pub(crate) fn moment(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Stockholm);
    format!(
        "{} {} ({})",
        date(local.date_naive()),
        clock(local.time(), true),
        if summer(t) { "sommartid" } else { "normaltid" }
    )
}

/// `1 juli 2026 kl. 08.00.05 UTC`
pub(crate) fn moment_utc(t: DateTime<Utc>) -> String {
    format!("{} {} UTC", date(t.date_naive()), clock(t.time(), true))
}

/// `1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)`, or both moments in full across midnight.
pub(crate) fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (a, b) = (
        start.with_timezone(&Stockholm),
        end.with_timezone(&Stockholm),
    );
    if a.date_naive() == b.date_naive() && summer(start) == summer(end) {
        format!(
            "{} {}–{} ({})",
            date(a.date_naive()),
            clock(a.time(), true),
            clock(b.time(), true).trim_start_matches("kl. "),
            if summer(start) {
                "sommartid"
            } else {
                "normaltid"
            }
        )
    } else {
        format!("{} – {}", moment(start), moment(end))
    }
}

/// The same span in UTC.
pub(crate) fn span_utc(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    if start.date_naive() == end.date_naive() {
        format!(
            "{} {}–{} UTC",
            date(start.date_naive()),
            clock(start.time(), true),
            clock(end.time(), true).trim_start_matches("kl. ")
        )
    } else {
        format!("{} – {}", moment_utc(start), moment_utc(end))
    }
}

/// A post date as the page gave it (ISO 8601 date or date-time), in Swedish:
/// `28 juni 2026`, `28 juni 2026 kl. 09.15` (Swedish time). Anything else is kept as found.
pub(crate) fn post_date(s: &str) -> String {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return date(d);
    }
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(s) {
        let local = t.with_timezone(&Stockholm);
        return format!(
            "{} {}",
            date(local.date_naive()),
            clock(local.time(), false)
        );
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return format!("{} {}", date(t.date()), clock(t.time(), false));
        }
    }
    s.to_string()
}

/// `12 345` with a no-break space between thousands, as Swedish writes numbers.
pub(crate) fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// Pixels: `50 000 px`.
pub(crate) fn px(x: f64) -> String {
    let n = if x.is_finite() && x > 0.0 {
        x.round() as u64
    } else {
        0
    };
    format!("{}\u{a0}px", number(n))
}

/// Every run of digits in `s`, as numbers.
fn numbers(s: &str) -> Vec<u64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|d| !d.is_empty())
        .filter_map(|d| d.parse().ok())
        .collect()
}

/// The text between the first pair of double quotes in `s`.
fn quoted(s: &str) -> Option<&str> {
    let start = s.find('"')? + 1;
    let len = s[start..].rfind('"')?;
    Some(&s[start..start + len])
}

/// Why the capture stops before the end of the page, in Swedish, from its heights and
/// the capture's own reason (English, for the log).
pub(crate) fn truncation(reason: &str, captured: f64, full: f64) -> String {
    let n = numbers(reason);
    if reason.contains("kept loading more content") {
        let reached = n.first().map_or(full, |&v| v as f64);
        let limit = n.get(1).map_or(captured, |&v| v as f64);
        format!(
            "Sidan laddade hela tiden in mer innehåll medan den rullades (den nådde {}), så fångsten slutar vid gränsen {}.",
            px(reached),
            px(limit)
        )
    } else {
        format!(
            "Sidan är {} hög och fångsten slutar vid gränsen {}.",
            px(full),
            px(captured)
        )
    }
}

/// The text of `w` between `start` and `end` (empty when either is missing).
fn between<'a>(w: &'a str, start: &str, end: &str) -> &'a str {
    w.split_once(start)
        .and_then(|(_, rest)| rest.rsplit_once(end))
        .map_or("", |(mid, _)| mid)
}

/// One of the capture's warnings in Swedish. `None` for a wording this module does not know.
pub(crate) fn warning(w: &str) -> Option<String> {
    let n = numbers(w);
    let first = n.first().copied().unwrap_or(0);
    let s = if w.starts_with("the page's load event did not fire") {
        format!(
            "Sidan blev inte färdigladdad inom {first} s (någon resurs laddades aldrig klart); det som hade kommit fångades."
        )
    } else if w.starts_with("scrolling through the page ran out of time") {
        "Tiden tog slut när sidan rullades igenom; innehåll längre ned kan saknas.".into()
    } else if w.starts_with("stopped expanding comments") {
        format!(
            "Dolda kommentarer fälldes ut i {first} omgångar, sedan inte fler; vissa kommentarer kan fortfarande vara dolda."
        )
    } else if w.starts_with("the page is") && w.contains("px wide") {
        let wide = n.first().map_or(0.0, |&v| v as f64);
        let limit = n.get(1).map_or(0.0, |&v| v as f64);
        format!(
            "Sidan är {} bred och fångsten tar med {} av bredden.",
            px(wide),
            px(limit)
        )
    } else if w.contains("were still loading when their part of the page was pictured") {
        let what = if first == 1 {
            "1 bild höll".to_string()
        } else {
            format!("{} bilder höll", number(first))
        };
        format!("{what} fortfarande på att laddas när deras del av sidan avbildades.")
    } else if w.contains("had not loaded when the picture was taken") {
        let examples = w
            .find("(e.g. ")
            .map(|i| w[i + 6..].trim_end_matches(')').trim().to_string())
            .filter(|e| !e.is_empty());
        let what = if first == 1 {
            "1 bild hade".to_string()
        } else {
            format!("{} bilder hade", number(first))
        };
        match examples {
            Some(e) => format!("{what} inte laddats när skärmbilden togs (till exempel {e})."),
            None => format!("{what} inte laddats när skärmbilden togs."),
        }
    } else if w.starts_with("the page's text kept moving while") {
        let what = if first == 1 {
            "1 del".to_string()
        } else {
            format!("{} delar", number(first))
        };
        format!(
            "Sidans text flyttade sig medan {what} av sidan avbildades; det osynliga textlagret kan ligga några bildpunkter fel där."
        )
    } else if w.starts_with("no MHTML snapshot") {
        "Ingen MHTML-kopia av sidan kunde sparas; felet står i record.json.".into()
    } else if w.starts_with("the page kept moving to other documents") {
        format!(
            "Sidan bytte till andra dokument under fångsten ({first} gånger); bilden kan visa ett annat dokument än texten."
        )
    } else if w.starts_with("Chromium's sandbox was off") {
        "Chromiums sandlåda var avstängd eftersom ogonblick kördes som root; ogonblick ska köras som tjänsteanvändaren."
            .into()
    } else if w.starts_with("the first try's tab") {
        "Sidans första flik kraschade eller stängdes under fångsten; sidan fångades igen i en ny flik."
            .into()
    } else if w.starts_with("the first screen's text could not be read") {
        "Texten på första skärmen kunde inte läsas; felet står i record.json.".into()
    } else if w.starts_with("the page tried to download") {
        let name = quoted(w).unwrap_or("");
        let declared = w
            .split_once(" bytes as declared")
            .and_then(|(head, _)| head.rsplit('(').next()?.parse::<u64>().ok());
        let size = match declared {
            Some(bytes) => format!("{} byte enligt sidan", number(bytes)),
            None => "ingen storlek angiven".to_string(),
        };
        let url = between(w, ") from ", "; the download was refused");
        format!("Sidan försökte ladda ned \"{name}\" ({size}) från {url}; nedladdningen stoppades och inget sparades.")
    } else if w.starts_with("the page sent a") && w.ends_with("it was blocked") {
        let method = w.split_whitespace().nth(3).unwrap_or("");
        let url = between(
            w,
            " request to ",
            ", an address on the archive machine's own network",
        );
        format!("Sidan skickade en {method}-begäran till {url}, en adress i arkivdatorns eget nät; den stoppades.")
    } else if w.starts_with("the page read from") {
        let url = between(
            w,
            "the page read from ",
            ", an address on the archive machine's own network",
        );
        format!("Sidan läste från {url}, en adress i arkivdatorns eget nät.")
    } else if w.starts_with("the page tried to open a popup window") {
        let url = between(w, "popup window (", "); it was not opened");
        format!("Sidan försökte öppna ett popupfönster ({url}); det öppnades aldrig.")
    } else if w.starts_with("the page opened a popup window") {
        let url = between(w, "popup window (", "); it was closed at once");
        format!("Sidan öppnade ett popupfönster ({url}); det stängdes direkt.")
    } else if w.starts_with("the consent dialog offered no way to refuse") {
        match quoted(w) {
            Some(label) => format!(
                "Samtyckesdialogen gick inte att avböja, så ogonblick klickade på \"{label}\"."
            ),
            None => "Samtyckesdialogen gick inte att avböja, så ogonblick godkände den.".into(),
        }
    } else {
        return None;
    };
    Some(s)
}

/// The evidence for an obstruction in Swedish. `None` for a wording this module does not know.
pub(crate) fn obstruction_detail(d: &str) -> Option<String> {
    let q = quoted(d).unwrap_or("");
    let s = if d == "visible password field" {
        "ett lösenordsfält syns på sidan".to_string()
    } else if d.starts_with("login overlay") {
        format!("en inloggningsruta ligger över sidan: \"{q}\"")
    } else if d.starts_with("consent dialog still shown in a frame from another site") {
        format!("samtyckesdialogen syns fortfarande i en ram från en annan webbplats: \"{q}\"")
    } else if d.starts_with("consent dialog still shown") {
        format!("samtyckesdialogen syns fortfarande: \"{q}\"")
    } else if let Some(status) = d.strip_prefix("HTTP ") {
        format!("servern svarade med HTTP-status {}", status.trim())
    } else if d.starts_with("the page says") {
        format!("sidan säger \"{q}\"")
    } else if d.starts_with("items seen while scrolling") {
        let n = numbers(d);
        let (seen, kept) = (
            n.first().copied().unwrap_or(0),
            n.get(1).copied().unwrap_or(0),
        );
        let examples = d
            .find("(missing e.g. ")
            .map(|i| d[i + 14..].trim_end_matches(')').trim().to_string())
            .filter(|e| !e.is_empty());
        let mut t = format!(
            "{} inlägg syntes när sidan rullades men bara {} finns i ögonblicksbilden",
            number(seen),
            number(kept)
        );
        if let Some(e) = examples {
            let e = crate::items_sv::examples(&e);
            t.push_str(&format!(" (saknas till exempel: {e})"));
        }
        t
    } else if d.starts_with("the time budget of") {
        let n = numbers(d);
        format!(
            "tidsbudgeten på {} s för sidan tog slut innan fångsten var klar; bara första skärmen finns i ögonblicksbilden",
            number(n.first().copied().unwrap_or(0))
        )
    } else if d.contains("are one flat colour where the page has text") {
        let file = d.split_whitespace().next().unwrap_or("");
        let n = numbers(d.split(" are ").next().unwrap_or(""));
        let rows = match (n.len(), n.last()) {
            (k, Some(&b)) if k >= 2 => format!("raderna {}–{b}", n[k - 2]),
            _ => "några rader".to_string(),
        };
        format!("{rows} i {file} har en enda färg där sidan har text (\"{q}\")")
    } else {
        return None;
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_and_times_read_as_swedish() {
        assert_eq!(
            post_date("2026-06-28T09:15:00+02:00"),
            "28 juni 2026 kl. 09.15"
        );
        assert_eq!(post_date("2026-06-28T07:15:00Z"), "28 juni 2026 kl. 09.15");
        assert_eq!(post_date("2026-01-05"), "5 januari 2026");
        assert_eq!(post_date("igår"), "igår");
        let t = Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 5).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 7, 1, 8, 1, 40).unwrap();
        assert_eq!(moment(t), "1 juli 2026 kl. 10.00.05 (sommartid)");
        assert_eq!(
            span(t, later),
            "1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)"
        );
        assert_eq!(span_utc(t, later), "1 juli 2026 kl. 08.00.05–08.01.40 UTC");
        let winter = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(moment(winter), "1 januari 2027 kl. 00.30.00 (normaltid)");
        assert_eq!(number(1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(number(12), "12");
    }

    #[test]
    fn capture_notes_come_out_in_swedish() {
        assert_eq!(
            truncation(
                "the page is 70000 px tall; the capture stops at the 50000 px limit",
                50_000.0,
                70_000.0
            ),
            "Sidan är 70\u{a0}000\u{a0}px hög och fångsten slutar vid gränsen 50\u{a0}000\u{a0}px."
        );
        assert_eq!(
            warning("3 image(s) had not loaded when the picture was taken (e.g. a.jpg, b.png)")
                .as_deref(),
            Some("3 bilder hade inte laddats när skärmbilden togs (till exempel a.jpg, b.png).")
        );
        assert_eq!(
            warning("the consent dialog offered no way to refuse; clicked \"Godkänn alla\"").as_deref(),
            Some("Samtyckesdialogen gick inte att avböja, så ogonblick klickade på \"Godkänn alla\".")
        );
        assert_eq!(warning("something new"), None);
        assert_eq!(
            obstruction_detail("tile-003.png rows 0-1200 are one flat colour where the page has text (\"Nyheter\" at y=5000)").as_deref(),
            Some("raderna 0–1200 i tile-003.png har en enda färg där sidan har text (\"Nyheter\")")
        );
        assert_eq!(
            obstruction_detail("HTTP 404").as_deref(),
            Some("servern svarade med HTTP-status 404")
        );
    }
}
