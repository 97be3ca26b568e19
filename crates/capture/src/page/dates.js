// Post dates: the oldest a feed shows, read from `time[datetime]`.

// The oldest post date on the page (above `maxY` if given), from
// time[datetime] in its feed items (anywhere on the page where it has
// none): { ms, v } or null.
function ogOldestPost(maxY) {
  const items = ogItems();
  const values = [];
  for (const root of items.length ? items : [document]) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      if (maxY !== undefined && t.getBoundingClientRect().top + scrollY >= maxY) continue;
      values.push(t.getAttribute('datetime'));
    }
  }
  return ogOldestOf(values);
}

// The oldest of post dates as the markup gives them (`datetime`): { ms, v },
// or null where none can be read.
function ogOldestOf(values) {
  let best = null;
  for (const v of values) {
    const ms = Date.parse(v);
    if (!isNaN(ms) && (!best || ms < best.ms)) best = { ms, v };
  }
  return best;
}
