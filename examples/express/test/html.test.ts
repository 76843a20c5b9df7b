/**
 * The sample's HTML builder: every interpolated value is text unless it was built as markup.
 */
import { describe, expect, it } from 'vitest';
import { html, jsonBlock } from '../src/html.js';

describe('html', () => {
  it('escapes interpolated text, including quotes inside attributes', () => {
    const name = `"><script>alert('x')</script>&`;
    expect(html`<a title="${name}">${name}</a>`.value).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('keeps nested markup, joins lists, and drops null, undefined and false', () => {
    const items = ['<b>', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe(
      '<ul><li>&lt;b&gt;</li><li>c</li></ul>0',
    );
  });

  it('renders JSON whose values cannot close the <pre> block', () => {
    expect(jsonBlock({ plan: '</code></pre><img src=x>' }).value).toBe(
      '<pre class="json"><code>{\n  &quot;plan&quot;: &quot;&lt;/code&gt;&lt;/pre&gt;&lt;img src=x&gt;&quot;\n}</code></pre>',
    );
  });
});
