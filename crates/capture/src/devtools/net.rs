//! Knowing when a page has gone quiet, so the capture waits for what the
//! page does rather than sleeping a fixed time.
//!
//! Two signals: the tab's network requests and navigations (DevTools
//! `Network` and `Page` events, so nothing in the page is touched) and the
//! time since the DOM last changed (a `MutationObserver` installed by
//! `watch.js` before the page's scripts).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Network;
use headless_chrome::Tab;

use crate::error::Error;

/// A request still open after this long is a long poll, an event stream or
/// a resource that never ends: it does not keep the page "loading".
const LONG_REQUEST: Duration = Duration::from_secs(3);
/// A navigation the page asked for but that has not replaced the document
/// after this long was cancelled (or was a download).
const LONG_NAVIGATION: Duration = Duration::from_secs(5);

/// How long to wait for quiet: at least `min`, then until neither the
/// network nor the DOM has done anything for `quiet`, at most `max`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quiet {
    pub min: Duration,
    pub quiet: Duration,
    pub max: Duration,
}

impl Quiet {
    pub(crate) const fn ms(min: u64, quiet: u64, max: u64) -> Quiet {
        Quiet {
            min: Duration::from_millis(min),
            quiet: Duration::from_millis(quiet),
            max: Duration::from_millis(max),
        }
    }
}

#[derive(Debug)]
struct NetState {
    open: HashMap<String, Instant>,
    last: Instant,
    /// The main frame's id, once it has committed a document.
    main_frame: Option<String>,
    /// Documents the main frame has committed.
    documents: u32,
    /// When the page asked to go elsewhere, until the new document commits.
    leaving: Option<Instant>,
}

/// The tab's open network requests and its main frame's documents, kept up
/// to date by a DevTools listener.
#[derive(Debug, Clone)]
pub(crate) struct NetWatch {
    state: Arc<Mutex<NetState>>,
}

impl NetWatch {
    /// Start listening to `tab`'s network and navigation events. `buffers`
    /// (total, per resource) keep response bodies readable for the web
    /// archive's recorder; without them the buffers are small.
    pub(crate) fn attach(tab: &Arc<Tab>, buffers: Option<(u32, u32)>) -> Result<NetWatch, Error> {
        let state = Arc::new(Mutex::new(NetState {
            open: HashMap::new(),
            last: Instant::now(),
            main_frame: None,
            documents: 0,
            leaving: None,
        }));
        let shared = Arc::clone(&state);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
            match event {
                Event::NetworkRequestWillBeSent(ev) => {
                    s.open.insert(ev.params.request_id.clone(), Instant::now());
                }
                Event::NetworkLoadingFinished(ev) => {
                    s.open.remove(&ev.params.request_id);
                }
                Event::NetworkLoadingFailed(ev) => {
                    s.open.remove(&ev.params.request_id);
                }
                Event::PageFrameNavigated(ev) if ev.params.frame.parent_id.is_none() => {
                    s.main_frame = Some(ev.params.frame.id.clone());
                    s.documents += 1;
                    s.leaving = None;
                }
                // Only a navigation that replaces this tab's document: not a
                // download, a new window or a `mailto:`.
                Event::PageFrameRequestedNavigation(ev)
                    if s.main_frame.as_deref() == Some(ev.params.frame_id.as_str())
                        && ev.params.disposition
                            == headless_chrome::protocol::cdp::Page::ClientNavigationDisposition::CurrentTab =>
                {
                    s.leaving = Some(Instant::now());
                }
                _ => return,
            }
            s.last = Instant::now();
        }))
        .map_err(|e| Error::Protocol {
            during: "watching the network".into(),
            source: e.into(),
        })?;
        // Small buffers unless the recorder reads response bodies back.
        let (total, per) = buffers.unwrap_or((1 << 20, 1 << 16));
        tab.call_method(Network::Enable {
            max_total_buffer_size: Some(total),
            max_resource_buffer_size: Some(per),
            max_post_data_size: Some(if buffers.is_some() { 1 << 16 } else { 0 }),
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })
        .map_err(|e| Error::Protocol {
            during: "watching the network".into(),
            source: e.into(),
        })?;
        Ok(NetWatch { state })
    }

    /// A request opened less than [`LONG_REQUEST`] ago is still open, one
    /// started or ended within `quiet`, or the page is navigating away.
    pub(crate) fn busy(&self, quiet: Duration) -> bool {
        let s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        now.duration_since(s.last) < quiet
            || s.leaving
                .is_some_and(|t| now.duration_since(t) < LONG_NAVIGATION)
            || s.open
                .values()
                .any(|&started| now.duration_since(started) < LONG_REQUEST)
    }

    /// How many documents the main frame has shown: it changes when the
    /// page goes to another one.
    pub(crate) fn documents(&self) -> u32 {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .documents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_requests_do_not_keep_the_page_busy() {
        let long_ago = Instant::now() - LONG_REQUEST - Duration::from_secs(1);
        let w = NetWatch {
            state: Arc::new(Mutex::new(NetState {
                open: HashMap::from([("1".to_string(), long_ago)]),
                last: long_ago,
                main_frame: None,
                documents: 1,
                leaving: None,
            })),
        };
        assert!(!w.busy(Duration::from_millis(300)));
        w.state
            .lock()
            .unwrap()
            .open
            .insert("2".into(), Instant::now());
        assert!(w.busy(Duration::from_millis(300)));
        w.state.lock().unwrap().open.remove("2");
        // It just ended: still busy for `quiet`.
        w.state.lock().unwrap().last = Instant::now();
        assert!(w.busy(Duration::from_millis(300)));
        assert!(!w.busy(Duration::ZERO));
    }
}
