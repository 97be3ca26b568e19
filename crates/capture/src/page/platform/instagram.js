// Instagram: its hosts, a title that names it, its grid of posts, and their shortcodes.
const OG_INSTAGRAM = {
  name: 'instagram',
  host: /(^|\.)instagram\.com$/,
  seen: (look) => look.title.includes('Instagram'),
  posts: 'main a[href*="/p/"], main a[href*="/reel/"]',
  topOnly: false,
  id: (u) => {
    const m = u.match(/\/(?:p|reel|tv)\/([\w-]+)/);
    return m ? ['instagram:' + m[1], 'platform-id'] : null;
  },
};
