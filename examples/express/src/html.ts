/**
 * A tiny HTML builder whose only job is escaping: every interpolated value is escaped unless it is
 * already {@link SafeHtml}, so a claim such as `name: "<script>…"` renders as text.
 *
 * @module
 */

/** Markup that is safe to embed as is (built by {@link html} or {@link raw}). */
export class SafeHtml {
  /** The markup. */
  readonly value: string;

  /** Wraps markup that is already safe; prefer {@link html}. */
  constructor(value: string) {
    this.value = value;
  }

  /** The markup, so that a `SafeHtml` can be sent as a response body. */
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** One interpolated value: text (escaped), markup, a list of either, or nothing. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolation.
 *
 * @example
 * ```ts
 * html`<p>Hello, ${claims.name}</p>`; // '<p>Hello, &lt;b&gt;</p>' for name '<b>'
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (const [index, value] of values.entries()) {
    out += render(value) + (strings[index + 1] ?? '');
  }
  return new SafeHtml(out);
}

/** A value as indented JSON in a `<pre>` block (escaped). */
export function jsonBlock(value: unknown): SafeHtml {
  return html`<pre class="json"><code>${JSON.stringify(value, null, 2) ?? 'undefined'}</code></pre>`;
}
