// Instagram: its hosts, a title that names it, its grid of posts, and their shortcodes.
const OG_INSTAGRAM = {
  name: 'instagram',
  host: /(^|\.)instagram\.com$/,
  seen: (look) => look.title.includes('Instagram'),
  posts: 'main a[href*="/p/"], main a[href*="/reel/"]',
  topOnly: false,
  // The profile's count of its posts, in its header ("412 inlägg") or its
  // description ("2 345 följare, 180 följer, 412 inlägg – …").
  // Without a login Instagram shows only the newest posts: on a profile,
  // not on one post's page.
  listNeedsLogin: (u) => !/\/(?:p|reel|tv|stories)\//.test(u),
  declared: { what: 'posts', header: 'header', words: 'inlägg|posts', description: /(?:följer|following),([^–]*)/i },
  id: (u) => {
    const m = u.match(/\/(?:p|reel|tv)\/([\w-]+)/);
    return m ? ['instagram:' + m[1], 'platform-id'] : null;
  },
};
