// Scrolling and depth: the scroller, the scroll pass, what the depth rule reads, "Visa fler".

// An app shell (LinkedIn, Instagram web) keeps the document one screen tall
// and scrolls an element inside it. That element is the one with the most
// on-screen area among those that scroll further than the document does;
// it must cover a quarter of the screen (a comment box is not a scroller).
function ogFindScroller() {
  const st = ogState();
  const docRange = ogDocHeight() - innerHeight;
  let best = null, bestArea = 0;
  for (const e of ogAllElements()) {
    if (e.scrollHeight <= e.clientHeight + 100 || e.scrollHeight - e.clientHeight <= docRange) continue;
    const oy = getComputedStyle(e).overflowY;
    if (oy !== 'auto' && oy !== 'scroll' && oy !== 'overlay') continue;
    const r = e.getBoundingClientRect();
    const w = Math.min(r.right, innerWidth) - Math.max(r.left, 0);
    const h = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
    if (w > 0 && h > 0 && w * h > bestArea) { best = e; bestArea = w * h; }
  }
  st.scroller = bestArea >= 0.25 * innerWidth * innerHeight ? best : null;
  return st.scroller ? ogDescribe(st.scroller) : null;
}

// What the scroll pass moves: the inner scroller if there is one, else the window.
function ogTarget() {
  const e = ogState().scroller;
  if (e && e.isConnected) {
    return { height: () => e.scrollHeight, view: () => e.clientHeight, to: (y) => { e.scrollTop = y; }, inner: true };
  }
  return { height: ogDocHeight, view: () => innerHeight, to: (y) => window.scrollTo(window.scrollX, y), inner: false };
}

// An element let out to its full height: it no longer scrolls or clips, and
// one fixed to the window moves with the page.
function ogFree(el) {
  for (const [k, v] of [['height', 'auto'], ['max-height', 'none'], ['overflow', 'visible']]) el.style.setProperty(k, v, 'important');
  if (getComputedStyle(el).position === 'fixed') el.style.setProperty('position', 'absolute', 'important');
}

// The element's parent, across a shadow root's edge.
function ogParentOf(el) {
  return el.parentElement || (el.getRootNode && el.getRootNode().host) || null;
}

// After the scroll pass, an app shell's scroller and everything around it
// is let out to its full height, so the document holds the whole feed and
// is pictured like any other page.
function ogUnroll() {
  const st = ogState(), e = st.scroller;
  st.scroller = null;
  if (!e || !e.isConnected) return null;
  let n = 0;
  for (let p = e; p; p = ogParentOf(p)) { ogFree(p); n += 1; }
  window.scrollTo(0, 0);
  return { freed: n, height: ogDocHeight() };
}

// Inner elements a reader scrolls sideways (a timeline strip, a wide table
// in a scrolling box) are let out to their full width, so the picture and
// the text layer hold every column; the page is then as wide as they are,
// and pictured so up to the width limit (past it, the cut is the capture's
// finding). One that also scrolls down (a wide table in a panel of fixed
// height) is let out to its full height too, as the app shell's scroller
// is, and so is every element around it that it then spills out of, so
// what follows it moves down rather than lies over it.
// Returns how many were let out.
function ogLetOutSideways() {
  let n = 0;
  for (const e of ogAllElements()) {
    if (e.scrollWidth <= e.clientWidth + 1 || e === document.body || e === document.documentElement) continue;
    const cs = getComputedStyle(e);
    if (!/^(auto|scroll|overlay)$/.test(cs.overflowX) || !ogVisible(e)) continue;
    if (e.scrollHeight > e.clientHeight + 1) {
      ogFree(e);
      for (let p = ogParentOf(e); p && p !== document.body && p !== document.documentElement; p = ogParentOf(p)) {
        if (p.scrollHeight > p.clientHeight + 1) ogFree(p);
      }
    } else {
      e.style.setProperty('overflow', 'visible', 'important');
    }
    n += 1;
  }
  // The page keeps the width it is laid out at in the window: what spills
  // past a centred body stays where a reader scrolls to it, and does not
  // move right as the window is widened to picture it (a right-to-left page,
  // which spills to the left, is laid out again at the wider window).
  const d = document.documentElement;
  if (d && ogDocWidth() > innerWidth + 1 && getComputedStyle(d).direction !== 'rtl') {
    d.style.setProperty('width', innerWidth + 'px', 'important');
  }
  return n;
}

// How wide the page is laid out, overflow included.
function ogDocWidth() {
  return Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0, innerWidth);
}

// Deferred rendering, undone: content-visibility:auto subtrees are painted
// (hidden ones stay hidden, as a reader sees them), and lazy images and
// frames, in shadow roots too, are asked for now.
function ogRenderAll() {
  let n = 0;
  for (const e of ogAllElements()) {
    if ((e.tagName === 'IMG' || e.tagName === 'IFRAME') && e.loading === 'lazy') { e.loading = 'eager'; n += 1; }
    if (getComputedStyle(e).contentVisibility === 'auto') {
      e.style.setProperty('content-visibility', 'visible', 'important');
      n += 1;
    }
  }
  return n;
}

// Whether scrolling can make the page load anything: it set up an
// IntersectionObserver or a scroll listener (counted by watch.js from the
// start of the document), or has an onscroll handler. Unknown counts as yes.
function ogScrollDriven() {
  const w = window.__ogWatch;
  if (!w) return { io: true, listeners: true };
  const handler = !!(window.onscroll || document.onscroll || (document.body && document.body.onscroll) || window.onwheel);
  const inner = ogState().scroller;
  return { io: w.io > 0, listeners: w.scroll > 0 || handler || (!!inner && (w.scrollEl > 0 || !!inner.onscroll)) };
}

// Scroll down a viewport at a time from `fromY` until the bottom of the page
// (or `maxY`), so observers and scroll listeners see every part of it. Each
// step waits two painted frames, so IntersectionObserver callbacks have run;
// a page with scroll listeners (often throttled) gets at least `pauseMs` a
// step. At the bottom a feed usually loads more at once: wait up to
// `growMs` for that (nudging), and go on if it came. A page that reacts to
// neither observers nor scrolling is not stepped through at all. Whenever
// the page's height changes (a feed often loads its next batch before the
// bottom is reached) the pass returns at once with `changed` and what the
// page shows (`ogSeen`): whether to go on is the capture's depth rule
// (depth.rs), and the caller starts the next pass at `y`. Otherwise it
// returns with the bottom in view; a slower feed is the caller's to wait for.
async function ogScrollPass(clock, fromY, maxY, step, budgetMs, pauseMs, growMs) {
  const t0 = performance.now();
  const driven = ogScrollDriven();
  const t = ogTarget();
  const was = t.height();
  const isDriven = driven.io || driven.listeners;
  const changed = (y) => ({ y, timedOut: false, atLimit: false, driven: isDriven, changed: true, seen: ogSeen(clock) });
  let y = fromY, timedOut = false;
  ogNoteSeen();
  if (driven.io || driven.listeners) {
    for (;;) {
      if (performance.now() - t0 > budgetMs) { timedOut = true; break; }
      const h = t.height();
      if (y >= Math.min(h, maxY)) {
        if (y >= maxY) break;
        const bottom = Math.max(0, h - t.view());
        t.to(bottom);
        const tb = performance.now();
        let tick = 0;
        while (t.height() <= h && performance.now() - tb < growMs) {
          await ogSleep(50);
          tick += 1;
          if (tick % 2 === 0) {
            ogNudged();
            t.to(tick % 4 === 2 ? Math.max(0, bottom - t.view()) : bottom);
          }
        }
        ogNoteSeen();
        if (t.height() <= h) break;
        return changed(y);
      }
      const ts = performance.now();
      t.to(y);
      await ogFrames(2);
      ogNoteSeen();
      if (t.height() !== was) return changed(y + step);
      if (driven.listeners) {
        const left = pauseMs - (performance.now() - ts);
        if (left > 0) await ogSleep(left);
      }
      y += step;
    }
  }
  const h = t.height();
  y = Math.max(y, Math.min(h, maxY));
  t.to(Math.max(0, Math.min(h, maxY) - t.view()));
  await ogFrames(2);
  ogNoteSeen();
  return { y, timedOut, atLimit: y >= maxY, driven: isDriven, changed: false, seen: ogSeen(clock) };
}

// What the depth rule (depth.rs) reads: the height of what scrolls, and the
// oldest post date shown (dates.js), relative ones read at `clock`.
function ogSeen(clock) {
  return { height: ogTarget().height(), oldest: ogOldestPost(clock) };
}

// "Visa fler" / "Load more": a button that fetches more of the same list
// (not one that opens another page, and none in a form).
const OG_LOAD_MORE = /^(visa|läs in|hämta|ladda|se) (fler|flera)( nyheter| inlägg| artiklar| händelser| resultat| poster)?$|^fler (nyheter|inlägg|artiklar|händelser)$|^(load|show|see|view) more (posts|news|stories|articles|results|items)$|^load more$|^more (posts|news|stories)$/i;

// Clicks the first such button (or, with `look`, only names it).
function ogLoadMore(look) {
  for (const b of ogClickables()) {
    if (!ogVisible(b) || b.closest('form')) continue;
    const t = ogLabel(b);
    if (!OG_LOAD_MORE.test(t)) continue;
    if (b.tagName === 'A') {
      const href = b.getAttribute('href') || '';
      if (href && !href.startsWith('#') && !href.startsWith('javascript:')) continue;
    }
    if (!look) b.click();
    return { clicked: t };
  }
  return { clicked: null };
}

// At the bottom, nudge the page the way a reader does: up a screen and back,
// so scroll listeners fire and observers see the end leave and re-enter.
function ogNudged() {
  if (window.__ogWatch) window.__ogWatch.nudged = performance.now();
}

async function ogNudge() {
  ogNudged();
  const t = ogTarget();
  const bottom = Math.max(0, t.height() - t.view());
  t.to(Math.max(0, bottom - t.view()));
  await ogFrames(2);
  t.to(bottom);
  await ogFrames(2);
  ogNoteSeen();
  return t.height();
}

// After the scroll pass: native lazy images below the fold are asked for
// now, and the page goes back to the top.
async function ogScrollDone() {
  ogRenderAll();
  const t = ogTarget();
  t.to(0);
  await ogFrames(1);
  return t.height();
}
