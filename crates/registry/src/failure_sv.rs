//! Why a capture failed, in plain Swedish for the report: the journal keeps
//! the capture's English reason (Chromium's `net::ERR_*` names, timeouts,
//! crashes) for the log; a person reads what happened, with the technical
//! name in parentheses at most.

/// A Chromium network error (`ERR_CONNECTION_REFUSED`, with or without
/// `net::`) in plain Swedish, or `None` for one this module does not know.
pub fn net_error_sv(code: &str) -> Option<&'static str> {
    let code = code.trim_start_matches("net::");
    let s = match code {
        "ERR_CONNECTION_REFUSED" => "servern svarade inte",
        "ERR_NAME_NOT_RESOLVED" | "ERR_NAME_RESOLUTION_FAILED" => "adressen finns inte",
        "ERR_CONNECTION_RESET" => "servern bröt förbindelsen",
        "ERR_CONNECTION_CLOSED" | "ERR_EMPTY_RESPONSE" => {
            "servern stängde förbindelsen utan att skicka sidan"
        }
        "ERR_CONNECTION_TIMED_OUT" | "ERR_TIMED_OUT" => "servern svarade inte i tid",
        "ERR_TOO_MANY_REDIRECTS" => "sidan skickade vidare till sig själv om och om igen",
        "ERR_ADDRESS_UNREACHABLE" | "ERR_NETWORK_UNREACHABLE" => "servern gick inte att nå",
        "ERR_INTERNET_DISCONNECTED" => "arkivdatorn hade ingen nätverksförbindelse",
        "ERR_NETWORK_CHANGED" => "nätverket ändrades under hämtningen",
        "ERR_INVALID_RESPONSE" | "ERR_INVALID_HTTP_RESPONSE" => "servern skickade ett trasigt svar",
        "ERR_ABORTED" => "hämtningen avbröts",
        "ERR_BLOCKED_BY_CLIENT" | "ERR_BLOCKED_BY_RESPONSE" => "sidan fick inte visas",
        c if c.starts_with("ERR_CERT_") => "webbplatsens certifikat godtogs inte",
        c if c.starts_with("ERR_SSL_") => "en säker förbindelse gick inte att upprätta",
        _ => return None,
    };
    Some(s)
}

/// The first `net::ERR_…` name in `reason`, without `net::`.
fn net_error(reason: &str) -> Option<&str> {
    let start = reason.find("net::ERR_")? + "net::".len();
    let len = reason[start..]
        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(reason.len() - start);
    Some(&reason[start..start + len])
}

/// The first number in `s` that ends before ` s` (a number of seconds).
fn seconds(s: &str) -> Option<String> {
    let i = s.find(" s")?;
    let digits: String = s[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let digits = digits.trim_end_matches(".0").replace('.', ",");
    (!digits.is_empty()).then_some(digits)
}

/// The URL the capture names after `capturing `, if any.
fn url(reason: &str) -> Option<&str> {
    let rest = reason.strip_prefix("capturing ")?;
    let end = rest.find(": ").unwrap_or(rest.len());
    Some(&rest[..end])
}

/// A failure reason from the journal (`record.failed`) in plain Swedish: what
/// happened, the page when the reason names one, and Chromium's error name in
/// parentheses. A reason this module does not know says so without English.
pub fn failure_sv(reason: &str) -> String {
    let page = url(reason)
        .map(|u| format!("Sidan {u}"))
        .unwrap_or_else(|| "Sidan".to_string());
    if let Some(rest) = reason.strip_prefix("obstructed: ") {
        // The kinds come from `display_sv`; the details are the capture's.
        let kinds: Vec<&str> = rest
            .split("; ")
            .filter_map(|p| p.split_once(": ").map(|(k, _)| k))
            .collect();
        let statuses: Vec<&str> = rest
            .split("; ")
            .filter_map(|p| p.split_once(": HTTP ").map(|(_, s)| s.trim()))
            .collect();
        let mut s = if kinds.is_empty() {
            "Sidan visade ett hinder i stället för kontot".to_string()
        } else {
            let shown: Vec<String> = kinds.iter().map(|k| format!("en {k}")).collect();
            format!("Sidan visade {} i stället för kontot", shown.join(" och "))
        };
        if !statuses.is_empty() {
            s.push_str(&format!(
                " (servern svarade med HTTP-status {})",
                statuses.join(", ")
            ));
        }
        s.push_str("; ingen ögonblicksbild förseglades.");
        return s;
    }
    if let Some(code) = net_error(reason) {
        return match net_error_sv(code) {
            Some(what) => format!("{page} kunde inte hämtas: {what} ({code})."),
            None => format!("{page} kunde inte hämtas ({code})."),
        };
    }
    if reason.contains("time budget of") {
        let s = seconds(reason.split("time budget of").nth(1).unwrap_or(""));
        return match s {
            Some(s) => format!(
                "{page} blev inte färdig inom sin tid ({s} sekunder) och inte ens första skärmen kunde sparas."
            ),
            None => format!(
                "{page} blev inte färdig inom sin tid och inte ens första skärmen kunde sparas."
            ),
        };
    }
    if reason.contains("did not finish within") {
        let s = seconds(reason.split("did not finish within").nth(1).unwrap_or(""));
        return match s {
            Some(s) => format!("{page} blev inte färdig inom {s} sekunder."),
            None => format!("{page} blev inte färdig i tid."),
        };
    }
    if reason.contains("the page's tab") {
        return format!("{page} fick webbläsarens flik att krascha, också vid nästa försök.");
    }
    if reason.contains("the browser crashed") {
        return "Webbläsaren kraschade under fångsten.".to_string();
    }
    if reason.contains("refusing to capture") {
        return format!(
            "{page} har en adress som inte kan fångas (bara http- och https-adresser kan det)."
        );
    }
    "Fångsten misslyckades av ett tekniskt skäl; det står i arkivets journal.".to_string()
}

#[cfg(test)]
mod tests {
    use super::failure_sv;

    #[test]
    fn failures_read_as_swedish() {
        let check = |reason: &str, want: &str| assert_eq!(failure_sv(reason), want, "{reason}");
        check(
            "capturing http://127.0.0.1:9/x: could not load http://127.0.0.1:9/x: net::ERR_CONNECTION_REFUSED (nothing answers at that address)",
            "Sidan http://127.0.0.1:9/x kunde inte hämtas: servern svarade inte (ERR_CONNECTION_REFUSED).",
        );
        check(
            "capturing https://finns.inte/: could not load https://finns.inte/: net::ERR_NAME_NOT_RESOLVED",
            "Sidan https://finns.inte/ kunde inte hämtas: adressen finns inte (ERR_NAME_NOT_RESOLVED).",
        );
        check(
            "capturing https://x.se/: could not load https://x.se/: net::ERR_SOMETHING_NEW",
            "Sidan https://x.se/ kunde inte hämtas (ERR_SOMETHING_NEW).",
        );
        check(
            "obstructed: felsida: HTTP 404",
            "Sidan visade en felsida i stället för kontot (servern svarade med HTTP-status 404); ingen ögonblicksbild förseglades.",
        );
        check(
            "capturing https://x.se/: loading the page did not finish within 30 s",
            "Sidan https://x.se/ blev inte färdig inom 30 sekunder.",
        );
        check(
            "something nobody foresaw",
            "Fångsten misslyckades av ett tekniskt skäl; det står i arkivets journal.",
        );
    }
}
