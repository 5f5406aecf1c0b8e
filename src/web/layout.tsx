import type { Child } from 'hono/jsx';
import { mayUse, navItems, roleLabels, type Area } from './access.js';
import { assetUrl } from './assets.js';
import type { Viewer } from './env.js';
import { CsrfField } from './components.js';

export interface LayoutProps {
  title: string;
  viewer?: Viewer;
  /** The nav entry to mark as the current page. */
  area?: Area;
  /** Extra scripts from /assets, loaded (deferred, in order) before app.js. */
  scripts?: 'chart.js'[];
  children?: Child;
}

export function Layout({ title, viewer, area, scripts, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        {viewer && <meta name="csrf-token" content={viewer.csrf} />}
        <title>{`${title} · firstreply`}</title>
        <link rel="stylesheet" href={assetUrl('app.css')} />
        {scripts?.map((name) => <script src={assetUrl(name)} defer></script>)}
        <script src={assetUrl('app.js')} defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href={viewer ? '/app' : '/signin'}>firstreply</a>
          {viewer && (
            <nav aria-label="Main">
              <ul>
                {navItems
                  .filter((item) => mayUse(viewer.role, item.area))
                  .map((item) => (
                    <li>
                      <a href={item.href} aria-current={item.area === area || (area === 'kbWrite' && item.area === 'kb') ? 'page' : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
              </ul>
            </nav>
          )}
          {viewer && (
            <div class="account">
              <span class="who">
                {viewer.name} <span class="role">({roleLabels[viewer.role]})</span>
              </span>
              <form method="post" action="/signout">
                <CsrfField viewer={viewer} />
                <button type="submit" class="link-button">Sign out</button>
              </form>
            </div>
          )}
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
