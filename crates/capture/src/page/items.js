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

// A list item's build: the tags of its children and grandchildren.
function ogShape(e) {
  return Array.from(e.children).map((c) => c.tagName + (c.children.length ? '(' + Array.from(c.children).map((d) => d.tagName).join(',') + ')' : '')).join(',');
}

// Of a list's items (their builds and words), those that make it a feed:
// at least three of one build, that build at least 60 % of the list, each
// with three words or more. A list of one-word links (a menu, tags) is none.
function ogFeedOf(items) {
  if (items.length < 3) return [];
  const count = new Map();
  for (const it of items) count.set(it.shape, (count.get(it.shape) || 0) + 1);
  let shape = null, best = 0;
  for (const [k, n] of count) if (n > best) { shape = k; best = n; }
  if (best < 3 || best < 0.6 * items.length) return [];
  const out = items.filter((it) => it.shape === shape && it.words >= 3);
  return out.length >= 3 ? out : [];
}

// Feed items recognised by repetition: the `li` of a list built of the same
// structure again and again (ogFeedOf), outside navigation.
function ogListItems() {
  const out = [];
  for (const list of document.querySelectorAll('ul, ol')) {
    if (list.closest('nav, [role=navigation], [role=menu], [role=menubar], [role=tablist], [role=listbox]')) continue;
    const lis = Array.from(list.children).filter((c) => c.tagName === 'LI');
    if (lis.length < 3) continue;
    const feed = ogFeedOf(lis.map((e) => ({ e, shape: ogShape(e), words: ogWordCount(e.textContent) })));
    for (const it of feed) out.push(it.e);
  }
  return out;
}

// The feed's items: the platforms' own and `article`s, outermost, and list
// items recognised by repetition that hold none and are in none (outermost
// too: a reply list inside a list item is part of it).
function ogItems() {
  const own = Array.from(document.querySelectorAll(OG_ITEMS)).filter((e) => !(e.parentElement && e.parentElement.closest(OG_ITEMS)));
  const lis = ogListItems().filter((e) => !e.closest(OG_ITEMS) && !e.querySelector(OG_ITEMS));
  const set = new Set(lis);
  const inner = (e) => { for (let p = e.parentElement; p; p = p.parentElement) if (set.has(p)) return true; return false; };
  return own.concat(lis.filter((e) => !inner(e)));
}

// Note the items on screen now (the scroll pass) with where they were, and
// the words shown. An item a reader cannot see (hidden, transparent, under
// body{visibility:hidden}) is not seen.
function ogNoteSeen() {
  const st = ogState();
  if (!st.seen) st.seen = new Map();
  ogNoteWordsInView();
  for (const e of ogItems()) {
    const r = e.getBoundingClientRect();
    if (r.height <= 0 || r.bottom < 0 || r.top > innerHeight || !ogVisible(e)) continue;
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
