import { html, SafeHtml, trustedHtml } from './html.js';
import { LANGUAGE_NAMES, LANGUAGES, type Lang, t } from './i18n.js';

/**
 * The frame every web page shares. The CSP (`script-src 'self'`, `style-src 'self'
 * 'unsafe-inline'`) allows the <style> element below but no inline script, so pages work
 * without JavaScript: plain links and GET/POST forms.
 */
export interface PageOptions {
  lang: Lang;
  title: string;
  /** The current path (no query), kept by the language links. */
  path: string;
  /** The small caption in the top bar, already translated. */
  caption: string;
  main: SafeHtml;
  /** Page-specific CSS, a constant in code (never built from request data). */
  css?: string;
  /** Public pages about one person must stay out of search engines. */
  noindex?: boolean;
  /** The signed-in application's shell: its scripts render `main` from the API. */
  app?: AppShell;
}

export interface AppShell {
  /** The page's id, read by the scripts. */
  page: string;
  /** Where the versioned assets live, e.g. /assets/<version>/. */
  assetsBase: string;
  stylesheet: string;
  /** The entry module; `preload` lists the modules it imports, fetched in parallel. */
  script: string;
  /** The page's own module, relative to assetsBase. */
  module: string;
  preload: string[];
  /** Record lists need more width than a form. */
  wide: boolean;
}

// Mobile first: one column, 18px text, 48px tap targets, colours at WCAG AA or better.
const BASE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
a{color:#1d4ed8}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.topbar{background:#111827;color:#fff;padding:8px 16px}
.topbar__inner{max-width:40rem;margin:0 auto;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:4px 16px}
.topbar__caption{font-size:.9rem;font-weight:600;letter-spacing:.02em}
.langs{display:flex;gap:4px;margin:0;padding:0;list-style:none}
.langs a{display:inline-flex;align-items:center;min-height:44px;padding:0 10px;border-radius:6px;color:#e5e7eb;font-size:.9rem;text-decoration:none}
.langs a:hover{text-decoration:underline}
.langs a[aria-current="true"]{background:#374151;color:#fff;font-weight:700}
main{max-width:40rem;margin:0 auto;padding:16px}
main.wide{max-width:72rem}
.card{background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:16px;margin:0 0 16px}
label{display:block;font-weight:700;margin-bottom:6px}
input[type="text"],input[type="search"]{width:100%;min-height:48px;padding:10px 12px;border:2px solid #6b7280;border-radius:8px;font:inherit;color:inherit;background:#fff}
button{min-height:48px;padding:10px 20px;border:0;border-radius:8px;background:#1d4ed8;color:#fff;font:inherit;font-weight:700;cursor:pointer}
button:hover{background:#1e40af}
.muted{color:#4b5563;font-size:.9rem}
`;

/** A same-site path only: a protocol-relative `//host` would send the language links off-site. */
function localPath(path: string): string {
  const bare = path.split(/[?#]/)[0];
  return /^\/(?![/\\])/.test(bare) ? bare : '/';
}

/** The language links of a page, each keeping the page's path (also the inspector's app). */
export function languageSwitch(current: Lang, path: string): SafeHtml {
  const here = localPath(path);
  const links = LANGUAGES.map(
    (lang) =>
      html`<li>
        <a
          href="${here}?lang=${lang}"
          hreflang="${lang}"
          lang="${lang}"
          ${lang === current ? trustedHtml(' aria-current="true"') : ''}
          >${LANGUAGE_NAMES[lang]}</a
        >
      </li>`,
  );
  return html`<nav aria-label="${t(current, 'nav.language')}">
    <ul class="langs">
      ${links}
    </ul>
  </nav>`;
}

function appHead(app: AppShell | undefined): SafeHtml | string {
  if (!app) return '';
  return html`<link rel="stylesheet" href="${app.stylesheet}" />
    ${app.preload.map((href) => html`<link rel="modulepreload" href="${href}" />`)}
    <script type="module" src="${app.script}"></script>`;
}

export function renderPage(page: PageOptions): string {
  const css = BASE_CSS + (page.css ?? '');
  const app = page.app;
  return html`<!doctype html>
    <html lang="${page.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${page.noindex ? trustedHtml('<meta name="robots" content="noindex">') : ''}
        <meta name="referrer" content="no-referrer" />
        <meta name="format-detection" content="telephone=no" />
        <title>${page.title}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <style>
          ${trustedHtml(css)}
        </style>
        ${appHead(app)}
      </head>
      <body
        ${app ? html`data-page="${app.page}" data-module="${app.module}" data-assets="${app.assetsBase}" data-lang="${page.lang}"` : ''}
      >
        ${app && html`<a class="skip" href="#main">${t(page.lang, 'app.skipToContent')}</a>`}
        <header class="topbar">
          <div class="topbar__inner">
            <span class="topbar__caption">${page.caption}</span
            >${languageSwitch(page.lang, page.path)}${app && trustedHtml('<div id="account" class="account"></div>')}
          </div>
        </header>
        ${app && trustedHtml('<nav id="sections" class="sections" hidden></nav>')}
        <main ${app ? html`id="main" tabindex="-1" class="${app.wide ? 'wide' : ''}"` : ''}>
          ${page.main}
        </main>
      </body>
    </html> `.value;
}
