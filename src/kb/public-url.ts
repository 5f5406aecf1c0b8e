// The link an acknowledgement carries for an article. An article with its own `url` lives on the shop's help site
// (that link wins); every other published article is served by this service's help centre (src/web/routes/help.tsx).

export interface LinkableArticle {
  id: string;
  language: string;
  url: string | null;
}

/** The help-centre path of an article, relative to the public base URL. */
export function helpCentrePath(article: Pick<LinkableArticle, 'id' | 'language'>): string {
  return `/help/${encodeURIComponent(article.language)}/${encodeURIComponent(article.id)}`;
}

/**
 * The article's external URL when it has one, else its help-centre page under `baseUrl` (publicBaseUrl(config) in
 * src/config.ts: PUBLIC_BASE_URL, or http://HOST:PORT).
 */
export function articlePublicUrl(article: LinkableArticle, baseUrl: string): string {
  const own = article.url?.trim();
  if (own) return own;
  return `${baseUrl.replace(/\/+$/, '')}${helpCentrePath(article)}`;
}
