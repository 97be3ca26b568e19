// YouTube: its hosts, the markup that names it anywhere, its videos, and their ids.
const OG_YOUTUBE = {
  name: 'youtube',
  host: /(^|\.)youtube\.com$/,
  seen: (look) => look.has('ytd-app'),
  posts: 'ytd-grid-video-renderer, ytd-rich-item-renderer, ytd-video-renderer, ytd-reel-item-renderer',
  topOnly: false,
  // The channel's own count of its videos, in its header ("86 videoklipp");
  // its list is the videos tab, which needs no login.
  declared: { what: 'videos', header: '#channel-header, #page-header, yt-page-header-renderer, ytd-c4-tabbed-header-renderer, #channel-header-container', words: 'videoklipp|videor|videos|video', description: null },
  id: (u) => {
    const m = u.match(/[?&]v=([\w-]{6,})/) || u.match(/youtu\.be\/([\w-]{6,})/) || u.match(/\/shorts\/([\w-]{6,})/);
    return m ? ['youtube:' + m[1], 'platform-id'] : null;
  },
};
