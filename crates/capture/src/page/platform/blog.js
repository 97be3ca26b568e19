// A blog (WordPress and the like): named by its generator or its post
// markup on any host; its posts; its ids are its permalinks (posts.js).
const OG_BLOG = {
  name: 'blog',
  host: null,
  seen: (look) => /wordpress/i.test(look.generator) || look.has('article.post, article.hentry'),
  posts: 'article.post, article.hentry, article.type-post',
  declared: null,
  topOnly: false,
  id: null,
};
