// Feed items and their keys: what was seen while scrolling, and whether it is in the picture.

// The items of a feed (posts, videos, articles), outermost only.
const OG_ITEMS = 'article, [role=article], [data-testid=tweet], .feed-shared-update-v2, ytd-rich-item-renderer, ytd-grid-video-renderer, ytd-video-renderer, ytd-reel-item-renderer';

const OG_PERMALINK = 'a[href*="/status/"], a[href*="/posts/"], a[href*="/p/"], a[href*="/reel/"], a[href*="/watch?"], a[href*="/feed/update/"], a[href*="story_fbid"], a[href*="/permalink/"]';

// An item's identity that survives being unmounted and mounted again by a
// virtualised feed: its permalink, its platform id or numbered id, else its
// date with its headline or the start of its text.
function ogItemKey(e) {
  const a = e.querySelector(OG_PERMALINK);
  const times = Array.from(e.querySelectorAll('time'));
  const head = e.querySelector('h1, h2, h3, h4');
  const id = e.getAttribute('data-id') || e.getAttribute('data-urn') || e.getAttribute('data-post-id') || '';
  // Where the key is the text, a date read from it ("Just nu", "2 tim.")
  // changes as the page keeps it up to date: left out like the text of time
  // elements. Whether text is a date does not depend on the clock.
  if (!a && !id && !/\d/.test(e.id || '') && !(head && /\S/.test(head.textContent))) {
    const [shown, shownEl] = ogFindDate(e, { now: Date.now(), timeZone: null });
    if (shown && shown.text) times.push(shownEl);
  }
  return ogKeyOf({
    permalink: a ? a.getAttribute('href') : null,
    id,
    elementId: e.id,
    when: times.length ? times[0].getAttribute('datetime') || '' : '',
    text: head && /\S/.test(head.textContent) ? head.textContent : e.textContent || '',
    timeTexts: times.map((t) => t.textContent),
  });
}

// The key from an item's parts: its permalink, else its data id or an
// element id with a digit in it, else its date and text. A headline rarely
// changes; the text around it may (a byline filled in, a relative time:
// "2 min" becomes "3 min"), so the text of its time elements is left out.
function ogKeyOf(k) {
  if (k.permalink) return 'a:' + k.permalink;
  const id = k.id || (/\d/.test(k.elementId || '') ? k.elementId : '');
  if (id) return 'id:' + id;
  let text = k.text || '';
  for (const t of k.timeTexts || []) text = text.replace(t, '');
  return 't:' + (k.when || '') + '|' + ogClean(text).slice(0, 100);
}

function ogItems() {
  return Array.from(document.querySelectorAll(OG_ITEMS)).filter((e) => !(e.parentElement && e.parentElement.closest(OG_ITEMS)));
}

// Note the items on screen now (the scroll pass) with where they were.
function ogNoteSeen() {
  const st = ogState();
  if (!st.seen) st.seen = new Map();
  for (const e of ogItems()) {
    const r = e.getBoundingClientRect();
    if (r.height <= 0 || r.bottom < 0 || r.top > innerHeight) continue;
    const k = ogItemKey(e);
    if (!st.seen.has(k)) st.seen.set(k, r.top + scrollY);
  }
}

// Note the items painted in the band top..bottom (a screenshot tile).
function ogNoteKept(top, bottom) {
  const st = ogState();
  if (!st.kept) st.kept = new Set();
  for (const e of ogItems()) {
    const r = e.getBoundingClientRect();
    if (r.height <= 0 || !ogVisible(e)) continue;
    const a = r.top + scrollY, b = r.bottom + scrollY;
    if (b > top && a < bottom) st.kept.add(ogItemKey(e));
  }
}

// Items seen while scrolling (above `maxY`) against those in the tiles.
function ogCoverage(maxY) {
  const st = ogState();
  const seen = st.seen || new Map(), kept = st.kept || new Set();
  const missing = [];
  let counted = 0;
  for (const [k, y] of seen) {
    if (y >= maxY) continue;
    counted += 1;
    if (!kept.has(k)) missing.push(k);
  }
  let extra = 0;
  for (const k of kept) if (!seen.has(k)) extra += 1;
  return { seen: counted + extra, kept: counted + extra - missing.length, missing: missing.slice(0, 3).map((k) => k.slice(0, 100)) };
}
