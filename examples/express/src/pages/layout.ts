/**
 * The page frame every route renders into: one inline stylesheet, a nav, the content.
 *
 * @module
 */
import { html, SafeHtml } from '../html.js';

/** What the frame needs to know about the request. */
export interface PageFrame {
  /** The `<title>` and the page's heading. */
  title: string;
  /** The path of the request, to mark the current nav link. */
  path: string;
  /** Whether the visitor is signed in (the nav shows sign-in or sign-out). */
  signedIn: boolean;
}

// A constant of this module, never user input: safe to embed as markup.
const style = `
:root{--ink:#1d1d2c;--muted:#5d6072;--line:#e3e4ec;--accent:#5d34f2;--accent-soft:#efeafe;--bad:#b3261e;--bad-soft:#fdecea;--ok:#146c2e;--ok-soft:#e6f4ea}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#f7f7fb}
header{background:#fff;border-bottom:1px solid var(--line)}
nav{max-width:58rem;margin:0 auto;padding:.75rem 1.25rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
nav .brand{font-weight:700;margin-right:auto;color:var(--ink)}
nav a{color:var(--muted);text-decoration:none;padding:.2rem 0;border-bottom:2px solid transparent}
nav a:hover{color:var(--ink)}
nav a[aria-current=page]{color:var(--accent);border-bottom-color:var(--accent)}
main{max-width:58rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
a{color:var(--accent)}
.lead{color:var(--muted);margin-top:-.5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem;margin:1rem 0}
.card h2:first-child{margin-top:0}
.button{display:inline-block;background:var(--accent);color:#fff;border-radius:8px;padding:.55rem 1.1rem;text-decoration:none;font-weight:600}
.button.secondary{background:var(--accent-soft);color:var(--accent)}
ul.links{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.75rem}
ul.links li{background:#fff;border:1px solid var(--line);border-radius:10px;padding:.75rem 1rem}
ul.links small{display:block;color:var(--muted)}
pre.json{background:#1d1d2c;color:#e8e8f0;border-radius:10px;padding:1rem 1.25rem;overflow-x:auto;font:13.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
.error{border-color:#f3c2bd;background:var(--bad-soft)}
.error h2{color:var(--bad)}
.ok{border-color:#b7dfc2;background:var(--ok-soft)}
.badge{display:inline-block;font-size:.8rem;border-radius:999px;padding:.05rem .6rem;background:var(--accent-soft);color:var(--accent)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
`;

const navLinks: ReadonlyArray<readonly [path: string, label: string]> = [
  ['/protected', 'ID token'],
  ['/protected/userinfo', 'Userinfo'],
  ['/protected/organizations', 'Organizations'],
  ['/protected/resource', 'API resource'],
  ['/protected/no-redirect', 'No-redirect (JSON)'],
];

function navLink(path: string, label: string, current: string): SafeHtml {
  return html`<a href="${path}"${current === path ? html` aria-current="page"` : ''}>${label}</a>`;
}

/** Renders a full HTML document around `content`. */
export function renderPage(frame: PageFrame, content: SafeHtml): string {
  const account = frame.signedIn
    ? html`<a href="/sign-out" data-testid="nav-sign-out">Sign out</a>`
    : html`<a href="/sign-in" data-testid="nav-sign-in">Sign in</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title === 'Logto sample' ? frame.title : `${frame.title} · Logto sample`}</title>
<style>${new SafeHtml(style)}</style>
</head>
<body>
<header><nav aria-label="Main">
<a class="brand" href="/">Logto sample</a>
${navLinks.map(([path, label]) => navLink(path, label, frame.path))}
${account}
</nav></header>
<main>
<h1>${frame.title}</h1>
${content}
</main>
</body>
</html>`.value;
}
