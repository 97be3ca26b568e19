// Post dates: from `time[datetime]`, or read from the text a reader sees
// ("för 4 veckor sedan", "3 d", "igår kl. 10:15", "i måndags", "Mar 12"), each as the
// span of instants it can mean.

// A date is { v, from, until, text }: `v` as the page gives it (the
// `datetime` value, or the text shown), the post made at or after `from`
// and before `until` (UTC ms), and `text` whether it was read from the text.
// A `datetime` is one instant: `until` is the millisecond after it.
//
// Dates written relative to the capture are read against a clock
// { now, timeZone }: `now` the capture's start (UTC ms), `timeZone` the IANA
// zone whose calendar "igår" and "12 mars" are in (null: the browser's own).

const OG_MINUTE = 60 * 1000;
const OG_HOUR = 60 * OG_MINUTE;
const OG_DAY = 24 * OG_HOUR;

// Units a count is written in, Swedish and English, longest names first.
const OG_UNITS = [
  [/^(sekunder|sekund|sek|seconds|second|secs|sec|s)$/, 1000],
  [/^(minuter|minut|minutes|minute|mins|min|m)$/, OG_MINUTE],
  [/^(timmar|timme|tim|hours|hour|hrs|hr|t|h)$/, OG_HOUR],
  [/^(dagar|dag|days|day|d)$/, OG_DAY],
  [/^(veckor|vecka|weeks|week|wks|wk|v|w)$/, 7 * OG_DAY],
  [/^(månader|månad|mån|months|month|mos|mo)$/, 30.4375 * OG_DAY],
  [/^(år|years|year|yrs|yr|y)$/, 365.25 * OG_DAY],
];
const OG_UNIT_NAMES = 'sekunder|sekund|sek|seconds|second|secs|sec|minuter|minut|minutes|minute|mins|min|timmar|timme|tim|hours|hour|hrs|hr|dagar|dag|days|day|veckor|vecka|weeks|week|wks|wk|månader|månad|mån|months|month|mos|mo|years|year|yrs|yr|år|s|m|t|h|d|v|w|y';

const OG_MONTHS = [
  ['januari', 'january', 'jan'], ['februari', 'february', 'feb'], ['mars', 'march', 'mar'],
  ['april', 'apr'], ['maj', 'may'], ['juni', 'june', 'jun'], ['juli', 'july', 'jul'],
  ['augusti', 'august', 'aug'], ['september', 'sept', 'sep'], ['oktober', 'october', 'okt', 'oct'],
  ['november', 'nov'], ['december', 'dec'],
];
const OG_MONTH_NAMES = OG_MONTHS.flat().sort((a, b) => b.length - a.length).join('|');
const OG_TIME = '(?:\\s*,?\\s*(?:kl\\.?|klockan|at)?\\s*(\\d{1,2})[:.](\\d{2})(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.))?)?';

const OG_RE_COUNT = new RegExp('^(?:för\\s+)?(\\d+|en|ett|a|an|one)\\s*(' + OG_UNIT_NAMES + ')\\.?(?:\\s+(?:sedan|ago))?$');
const OG_RE_NOW = /^(just nu|nyss|alldeles nyss|(för )?några sekunder sedan|just now|now|a few seconds ago)$/;
const OG_RE_DAY = new RegExp('^(idag|i dag|igår|i går|i förrgår|förrgår|today|yesterday)' + OG_TIME + '$');
const OG_RE_DAY_MONTH = new RegExp('^(\\d{1,2})\\.?\\s+(' + OG_MONTH_NAMES + ')\\.?(?:\\s+(\\d{4}))?' + OG_TIME + '$');
const OG_RE_MONTH_DAY = new RegExp('^(' + OG_MONTH_NAMES + ')\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?' + OG_TIME + '$');

// Weekdays by `getUTCDay()` (Sunday first): the Swedish name, the English
// name, then English short forms. Swedish short forms ("mån", "fre") are
// only read before a date: bare, "fre" is "free" and "mån" a month.
const OG_WEEKDAYS = [
  ['söndag', 'sunday', 'sun'], ['måndag', 'monday', 'mon'], ['tisdag', 'tuesday', 'tues', 'tue'],
  ['onsdag', 'wednesday', 'wed'], ['torsdag', 'thursday', 'thurs', 'thur', 'thu'], ['fredag', 'friday', 'fri'],
  ['lördag', 'saturday', 'sat'],
];
const OG_WEEKDAY_SV = OG_WEEKDAYS.map((w) => w[0]).join('|');
const OG_WEEKDAY_FULL = OG_WEEKDAYS.map((w) => w[0] + '|' + w[1]).join('|');
const OG_WEEKDAY_SHORT = OG_WEEKDAYS.flatMap((w) => w.slice(2)).sort((a, b) => b.length - a.length).join('|');
// "i måndags", "måndag", "Monday", "last Monday", each with a clock time or
// not; "Mon" only with one ("Mon at 10:15 AM").
const OG_RE_WEEKDAY = new RegExp('^(?:i\\s+(' + OG_WEEKDAY_SV + ')s|(?:last\\s+)?(' + OG_WEEKDAY_FULL + ')|(' + OG_WEEKDAY_SHORT + ')\\.?(?=\\s*,?\\s*(?:at\\s+)?\\d))' + OG_TIME + '$');
// A weekday in front of a day and a month ("måndag 12 mars 2026", "Mon, Mar
// 12"): the date says when, the weekday is left out of the reading.
const OG_RE_WEEKDAY_BEFORE = new RegExp('^(?:' + OG_WEEKDAY_FULL + '|' + OG_WEEKDAY_SHORT + '|mån|tis|ons|tors|tor|fre|lör|sön)\\.?,?\\s+(?=\\d|(?:' + OG_MONTH_NAMES + ')\\b)');

// Words around a date that say nothing about when: "Streamades för 2 dagar
// sedan", "2 v • Redigerat •".
const OG_RE_BEFORE = /^(streamades|sändes|publicerades|publicerad|hade premiär|premiär|streamed|premiered|published|posted)\s+/;
const OG_RE_AROUND = /^[\s•·|]+|[\s•·|]+$|[\s•·|]+(redigerat|redigerad|edited)[\s•·|]*$/g;

// The wall clock in `tz` at `ms`: [year, month0, day, hour, minute, second].
function ogWallClock(ms, tz) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz || undefined, hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = Number(x.value);
  return [p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second];
}

// The instants the wall clock reads y-mo-d h:mi in `tz` ([first, last]: two
// in the hour the clocks go back, one otherwise; a time the clocks skip is
// read with the offset before the change).
function ogFromWallClock(y, mo, d, h, mi, tz) {
  const guess = Date.UTC(y, mo, d, h, mi);
  const offset = (ms) => { const w = ogWallClock(ms, tz); return Date.UTC(w[0], w[1], w[2], w[3], w[4], w[5]) - Math.floor(ms / 1000) * 1000; };
  const want = ogWallClock(guess, 'UTC').slice(0, 5).join();
  const found = [];
  for (const o of [offset(guess - 3 * OG_HOUR), offset(guess + 3 * OG_HOUR)]) {
    const t = guess - o;
    if (ogWallClock(t, tz).slice(0, 5).join() === want && !found.includes(t)) found.push(t);
  }
  if (!found.length) found.push(guess - offset(guess - 3 * OG_HOUR));
  found.sort((a, b) => a - b);
  return [found[0], found[found.length - 1]];
}

// The span of a calendar day y-mo-d in `tz` (23 or 25 hours on the days the
// clocks change), or of the minute h:mi on it.
function ogDaySpan(y, mo, d, h, mi, tz) {
  if (h === undefined) {
    const next = new Date(Date.UTC(y, mo, d + 1));
    return [ogFromWallClock(y, mo, d, 0, 0, tz)[0], ogFromWallClock(next.getUTCFullYear(), next.getUTCMonth(), next.getUTCDate(), 0, 0, tz)[0]];
  }
  const [a, b] = ogFromWallClock(y, mo, d, h, mi, tz);
  return [a, b + OG_MINUTE];
}

// Hours of "10:15", "3:05 pm"; undefined where there is no time, NaN where it is no time.
function ogHour(h, mi, ampm) {
  if (h === undefined) return undefined;
  let hour = Number(h);
  if (hour > 23 || Number(mi) > 59) return NaN;
  if (ampm) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (ampm[0] === 'p' ? 12 : 0);
  }
  return hour;
}

// What a post date written for a reader means, read at `clock`: { from,
// until } in UTC ms, or null where the text is no date this reads.
// - a count of units ("för 4 veckor sedan", "3 d", "2 tim.", "2w", "5 days
//   ago"): N−½ to N+1 units before the capture, whether the platform rounds
//   down or to the nearest;
// - "Just nu", "now": the minute before the capture;
// - "igår", "i förrgår", "idag" ("Yesterday", "Today"): that day in the
//   clock's calendar, or the minute "kl. 10:15" / "at 10:15" names on it;
// - "i måndags", "måndag", "Monday", "last Monday", "Mon at 10:15 AM": the
//   most recent such weekday before today (today's own the platforms write
//   "idag"), that day or the minute its clock names;
// - "12 mars", "Mar 12" (with a time, to the minute): in the most recent
//   year in which it is not after the capture, unless a year is written; a
//   weekday in front of it ("måndag 12 mars 2026") is left out.
function ogReadDate(text, clock) {
  let s = ogClean(text).toLowerCase().replace(OG_RE_AROUND, '').replace(OG_RE_AROUND, '').replace(OG_RE_BEFORE, '');
  if (!s || s.length > 40) return null;
  const now = clock.now, tz = clock.timeZone || null;
  let m = s.match(OG_RE_COUNT);
  if (m) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : 1;
    const unit = OG_UNITS.find(([re]) => re.test(m[2]));
    return { from: now - (n + 1) * unit[1], until: now - Math.max(0, n - 0.5) * unit[1] };
  }
  if (OG_RE_NOW.test(s)) return { from: now - OG_MINUTE, until: now };
  const [y, mo, d] = ogWallClock(now, tz);
  m = s.match(OG_RE_DAY);
  if (m) {
    const back = /förrgår/.test(m[1]) ? 2 : /går|yesterday/.test(m[1]) ? 1 : 0;
    const day = new Date(Date.UTC(y, mo, d - back));
    const h = ogHour(m[2], m[3], m[4]);
    if (Number.isNaN(h)) return null;
    const [from, until] = ogDaySpan(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, Number(m[3]), tz);
    return { from, until };
  }
  m = s.match(OG_RE_WEEKDAY);
  if (m) {
    const name = m[1] || m[2] || m[3];
    const want = OG_WEEKDAYS.findIndex((names) => names.includes(name));
    // The most recent such day before today: today's own is "idag".
    const back = ((new Date(Date.UTC(y, mo, d)).getUTCDay() - want + 6) % 7) + 1;
    const day = new Date(Date.UTC(y, mo, d - back));
    const h = ogHour(m[4], m[5], m[6]);
    if (Number.isNaN(h)) return null;
    const [from, until] = ogDaySpan(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, Number(m[5]), tz);
    return { from, until };
  }
  s = s.replace(OG_RE_WEEKDAY_BEFORE, '');
  let parts = null;
  m = s.match(OG_RE_DAY_MONTH);
  if (m) parts = [m[1], m[2], m[3], m[4], m[5], m[6]];
  m = m || s.match(OG_RE_MONTH_DAY);
  if (m && !parts) parts = [m[2], m[1], m[3], m[4], m[5], m[6]];
  if (!parts) return null;
  const [dayText, name, year, hh, mm, ampm] = parts;
  const month = OG_MONTHS.findIndex((names) => names.includes(name));
  const day = Number(dayText);
  const h = ogHour(hh, mm, ampm);
  if (month < 0 || day < 1 || Number.isNaN(h)) return null;
  const span = (yy) => {
    if (new Date(Date.UTC(yy, month, day)).getUTCDate() !== day) return null;
    return ogDaySpan(yy, month, day, h, Number(mm), tz);
  };
  let found = null;
  if (year) {
    found = span(Number(year));
  } else {
    // 29 februari is looked for in the last four years.
    for (let yy = y; yy >= y - 4 && !found; yy -= 1) {
      const sp = span(yy);
      if (sp && sp[0] <= now) found = sp;
    }
  }
  return found ? { from: found[0], until: found[1] } : null;
}

// A date from the markup (`datetime`), or null where it is none.
function ogMarkupDate(v) {
  const ms = Date.parse(v);
  return isNaN(ms) ? null : { v, from: ms, until: ms + 1, text: false };
}

// The date an element shows a reader, or null: its `datetime`, else its own
// short text, title or label read as a date.
function ogShownDate(e, clock) {
  if (e.tagName === 'TIME' && e.hasAttribute('datetime')) return ogMarkupDate(e.getAttribute('datetime'));
  if (e.childElementCount > 3) return null;
  for (const t of [e.textContent, e.getAttribute('aria-label'), e.getAttribute('title')]) {
    if (!t || t.length > 80) continue;
    const r = ogReadDate(t, clock);
    if (r) return { v: ogClean(t), from: r.from, until: r.until, text: true };
  }
  return null;
}

// A post's own date (not one of its comments'): the first `time[datetime]`
// in it, else the first element whose text is a date; null where none is read.
function ogDateOf(post, clock) {
  return ogFindDate(post, clock)[0];
}

// The same, with the element that shows it: [date, element], or [null, null].
function ogFindDate(post, clock) {
  const own = (x) => { const c = x.closest(OG_COMMENTS); return !c || c === post || !post.contains(c); };
  for (const t of post.querySelectorAll('time[datetime]')) {
    if (!own(t)) continue;
    const d = ogMarkupDate(t.getAttribute('datetime'));
    if (d) return [d, t];
  }
  for (const e of post.querySelectorAll('time, abbr, a, span, small, div, p, b')) {
    if (!own(e)) continue;
    const d = ogShownDate(e, clock);
    if (d) return [d, e];
  }
  return [null, null];
}

// The oldest post date on the page (above `maxY` if given): the dates of
// its feed items (time[datetime] anywhere on the page where it has none),
// or null.
function ogOldestPost(clock, maxY) {
  const items = ogItems();
  const above = (e) => maxY === undefined || e.getBoundingClientRect().top + scrollY < maxY;
  if (!items.length) {
    return ogOldestOf(Array.from(document.querySelectorAll('time[datetime]')).filter(above).map((t) => ogMarkupDate(t.getAttribute('datetime'))));
  }
  return ogOldestOf(items.filter(above).map((e) => ogDateOf(e, clock)));
}

// The oldest of dates: the one that surely ends first (the earliest
// `until`, then the earliest `from`), or null where there is none.
function ogOldestOf(dates) {
  let best = null;
  for (const d of dates) {
    if (d && (!best || d.until < best.until || (d.until === best.until && d.from < best.from))) best = d;
  }
  return best;
}

// The newest of dates: the one that may be latest.
function ogNewestOf(dates) {
  let best = null;
  for (const d of dates) {
    if (d && (!best || d.until > best.until || (d.until === best.until && d.from > best.from))) best = d;
  }
  return best;
}

// A date read from the text as the record keeps it (model::DateRead): the
// text and its span in RFC 3339; null for a markup date or none.
function ogDateRead(d) {
  return d && d.text ? { text: d.v, from: new Date(d.from).toISOString(), until: new Date(d.until).toISOString() } : null;
}
