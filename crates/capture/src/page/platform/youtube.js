// YouTube: its hosts, the markup that names it anywhere, its videos, and their ids.
const OG_YOUTUBE = {
  name: 'youtube',
  host: /(^|\.)youtube\.com$/,
  seen: (look) => look.has('ytd-app'),
  posts: 'ytd-grid-video-renderer, ytd-rich-item-renderer, ytd-video-renderer, ytd-reel-item-renderer',
  topOnly: false,
  id: (u) => {
    const m = u.match(/[?&]v=([\w-]{6,})/) || u.match(/youtu\.be\/([\w-]{6,})/) || u.match(/\/shorts\/([\w-]{6,})/);
    return m ? ['youtube:' + m[1], 'platform-id'] : null;
  },
};
