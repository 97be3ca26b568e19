//! Several sessions at once (the CLI's --jobs), and many pages in one session.

use capture::Options;

use crate::common::{assert_in_order, browser_lock, capture_with, session};

#[test]
fn two_sessions_capture_at_the_same_time() {
    let _guard = browser_lock();
    let opts = Options::default();
    let (a, b) = (session(&opts), session(&opts));
    assert_ne!(a.browser_pid(), b.browser_pid());
    std::thread::scope(|scope| {
        let ta = scope.spawn(|| {
            let x = capture_with(&a, "/x/gislavedskommun/");
            let blog = capture_with(&a, "/blogg/");
            (x, blog)
        });
        let tb = scope.spawn(|| capture_with(&b, "/youtube/gislavedskommun/"));
        let (x, blog) = ta.join().expect("session a");
        let yt = tb.join().expect("session b");
        assert_in_order(&x, &["Badvattnet i Båtsjön"]);
        assert_in_order(&blog, &["Vårkonsert i aulan"]);
        assert_in_order(&yt, &["3 210 prenumeranter"]);
    });
}
