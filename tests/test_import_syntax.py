"""Template syntax of Jekyll, Hugo and Docusaurus, as an import converts it: the Markdown or
HTML each construct becomes, what is kept as text or left out (named at its line in the
imported file), and code that is never touched."""

from __future__ import annotations

import html
import re

from skillsite.build import BuildOptions, build
from conftest import NOW, write_tree
from test_import import imported, line_of, run_import

JEKYLL = '''---
title: Liquid
category: jobs
date: 2020-01-02
---
Read [the other post]({% post_url 2019-12-01-other %}) and [the page]({{ site.baseurl }}/about/).

{% highlight ruby linenos %}
def greet
  puts "{% raw %}{{ name }}{% endraw %}"
end
{% endhighlight %}

Inline: {% highlight js %}let x = 1{% endhighlight %} here.

{% comment %}A note to self.{% endcomment %}
{% include newsletter.html %}
{{ page.title }} and {{ "/assets/logo.svg" | relative_url }}.

```liquid
{% raw %}{% if user %}{{ user.name }}{% endif %}{% endraw %}
```

* TOC
{:toc}
'''

OTHER = "---\ntitle: Other\ncategory: jobs\n---\nThe other post.\n"


def test_jekyll_liquid_is_converted_and_what_has_no_equivalent_is_kept_at_its_line(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"_config.yml": "title: Old\n", "_posts/2020-01-02-liquid.md": JEKYLL,
                                        "_posts/2019-12-01-other.md": OTHER})
    result = run_import(root, str(old / "_posts"), "--publish")
    assert result.exit_code == 0, result.output
    body = imported(root, "jobs/liquid.md").split("---\n", 2)[2]
    assert body == (
        '\nRead [the other post](other.md) and [the page](/about/).\n'
        '\n'
        '```ruby\n'
        'def greet\n'
        '  puts "{{ name }}"\n'
        'end\n'
        '```\n'
        '\n'
        'Inline: `let x = 1` here.\n'
        '\n'
        '{% include newsletter.html %}\n'
        'Liquid and /assets/logo.svg.\n'
        '\n'
        '```liquid\n'
        '{% if user %}{{ user.name }}{% endif %}\n'
        '```\n')
    lines = result.output.splitlines()
    line = line_of(root, "jobs/liquid.md", "{% include")
    assert f"  content/jobs/liquid.md:{line}: {{% include newsletter.html %}}: kept as text: an include of the original " \
           "site's theme has no equivalent here" in lines
    fence, read = line_of(root, "jobs/liquid.md", "```ruby"), line_of(root, "jobs/liquid.md", "Read [")
    assert f"  {{% highlight %}}: 2 -> a fenced code block (ruby); inline code (first at content/jobs/liquid.md:{fence})" \
        in lines
    assert f"  {{% post_url %}}: 1 -> a link to 2019-12-01-other.md (first at content/jobs/liquid.md:{read})" in lines
    assert f"  content/jobs/liquid.md:{read}: /about/: a link: nothing on this site or among the imported files is there" \
        in lines
    build(root, BuildOptions(now=NOW))
    page = (root / "output/articles/liquid/index.html").read_text()
    assert '<a href="/articles/other/">the other post</a>' in page
    ruby = re.search(r'<pre class="highlight" tabindex="0"><code class="language-ruby">(.*?)</code></pre>', page, re.DOTALL)
    assert html.unescape(re.sub(r"<[^>]+>", "", ruby[1])) == 'def greet\n  puts "{{ name }}"\nend\n'  # highlighted, as written


HUGO = '''+++
title = "Shortcodes"
date = 2021-06-08T18:45:00+06:00
aliases = ["old-name", "/posts/older/", "../up/"]
+++
{{< youtube id="ZJthWmvUzzc" title="A talk" >}}

{{< figure src="photo.png" alt="A photo" caption="Taken *here*" link="https://example.org/" >}}

{{< highlight go "linenos=inline" >}}
fmt.Println("{{< notAShortcode >}}")
{{< /highlight >}}

{{< notice warning "Mind this" >}}
Some **Markdown** inside.
{{< /notice >}}

{{< details summary="More" >}}
Hidden text.
{{< /details >}}

See [the other]({{< relref "other.md" >}}) and {{< x user="someone" id="1234" >}}.

{{< custom-thing a=1 >}}

```md
{{</* youtube abc */>}} and {{< youtube notConverted >}}
```
'''


def test_hugo_shortcodes_are_converted_escapes_become_text_and_the_rest_is_kept(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"content/posts/shortcodes.md": HUGO,
                                        "content/posts/photo.png": b"\x89PNG photo",
                                        "content/posts/other.md": "---\ntitle: Other\n---\nOther.\n"})
    result = run_import(root, str(old / "content/posts"), "--category", "career", "--publish")
    assert result.exit_code == 0, result.output
    text = imported(root, "career/shortcodes/index.md")
    head, body = text.split("---\n", 2)[1:]
    assert 'aliases: ["/posts/old-name/", "/posts/older/", "/up/"]\n' in head
    assert body == (
        '\n[Watch “A talk” on YouTube](https://www.youtube.com/watch?v=ZJthWmvUzzc)\n'
        '\n'
        '<figure>\n<a href="https://example.org/"><img src="photo.png" alt="A photo"></a>\n'
        '<figcaption markdown="1">Taken *here*</figcaption>\n</figure>\n'
        '\n'
        '```go\n'
        'fmt.Println("{{< notAShortcode >}}")\n'
        '```\n'
        '\n'
        '<aside class="warning">\n\n**Mind this**\n\n'
        'Some **Markdown** inside.\n'
        '\n</aside>\n\n'
        '<details>\n<summary>More</summary>\n\n'
        'Hidden text.\n'
        '\n</details>\n\n'
        'See [the other](../other.md) and [See the post by @someone on X](https://x.com/someone/status/1234).\n'
        '\n'
        '{{< custom-thing a=1 >}}\n'
        '\n'
        '```md\n'
        '{{< youtube abc >}} and {{< youtube notConverted >}}\n'
        '```\n')
    assert (root / "content/career/shortcodes/photo.png").read_bytes() == b"\x89PNG photo"
    line = line_of(root, "career/shortcodes/index.md", "{{< custom-thing")
    assert f"  content/career/shortcodes/index.md:{line}: {{{{< custom-thing a=1 >}}}}: kept as text: it has no " \
           "equivalent here" in result.output.splitlines()
    build(root, BuildOptions(now=NOW, future=True))  # undated: imported 'today'
    page = (root / "output/articles/shortcodes/index.html").read_text()
    assert "<figcaption>Taken <em>here</em></figcaption>" in page
    assert '<a href="/articles/other/">the other</a>' in page
    assert (root / "output/posts/old-name/index.html").is_file() and (root / "output/up/index.html").is_file()


DOCUSAURUS = '''---
id: guide
title: A guide
sidebar_label: Guide
---

<head>
  <meta property="og:image" content="https://example.org/social/guide.png" />
</head>

import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';
import Ad from './\\_components/Ad';
import Shared from './\\_partials/shared.md';
import Chart from '@site/static/img/chart.png';

:::tip Expert tip

Use **this**.

:::

<Tabs>
<TabItem value="js" label="JavaScript">

```js
import React from 'react';
export default function App() {}
```

</TabItem>
</Tabs>

<Ad />

<Shared />

<div className="centered">
  <img src={Chart} style={{maxWidth: '100%'}} alt="A chart" />
  <img src={require('./local.png').default} alt="Local" />
</div>

{/* a note for editors */}
'''


def test_docusaurus_mdx_becomes_markdown_and_code_keeps_its_import_lines(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"docusaurus.config.js": "module.exports = {};\n",
                                        "docs/guide.md": DOCUSAURUS,
                                        "docs/_partials/shared.md": "Shared text with a :::note inside it.\n",
                                        "docs/local.png": b"\x89PNG local", "static/img/chart.png": b"\x89PNG chart"})
    result = run_import(root, str(old / "docs"), "--category", "jobs", "--publish")
    assert result.exit_code == 0, result.output
    text = imported(root, "jobs/guide/index.md")
    head, body = text.split("---\n", 2)[1:]
    assert 'image: "https://example.org/social/guide.png"' in head
    assert body == (
        '\n'
        '<aside class="tip">\n\n**Expert tip**\n\nUse **this**.\n\n</aside>\n'
        '\n'
        '**JavaScript**\n'
        '\n'
        '```js\n'
        "import React from 'react';\n"
        'export default function App() {}\n'
        '```\n'
        '\n'
        'Shared text with a :::note inside it.\n'
        '\n'
        '<div class="centered">\n'
        '  <img src="chart.png" alt="A chart" />\n'
        '  <img src="local.png" alt="Local" />\n'
        '</div>\n')
    assert (root / "content/jobs/guide/chart.png").read_bytes() == b"\x89PNG chart"
    assert (root / "content/jobs/guide/local.png").read_bytes() == b"\x89PNG local"
    line = line_of(root, "jobs/guide/index.md", "**JavaScript**") + 6  # where <Ad /> stood, a line after </Tabs>
    assert f"  content/jobs/guide/index.md:{line}: <Ad />: left out: a component of the original site (from " \
           "'./_components/Ad')" in result.output.splitlines()
    assert "Skipped 1 file of the folders given, as no articles (partials, section pages, LICENSE and README " \
           f"files): {old}/docs/_partials/shared.md" in result.output.splitlines()
    build(root, BuildOptions(now=NOW, future=True))  # undated: imported 'today'
    page = (root / "output/articles/guide/index.html").read_text()
    assert '<aside class="tip">\n<p><strong>Expert tip</strong></p>\n<p>Use <strong>this</strong>.</p>\n</aside>' in page
    assert "import React from 'react';\nexport default function App() {}" in html.unescape(re.sub(r"<[^>]+>", "", page))


def test_github_alerts_become_asides_in_every_generators_files(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"a.md": "---\ntitle: A\n---\n> [!WARNING] Careful\n> Hot *stove*.\n\nAfter.\n"})
    assert run_import(root, str(old / "a.md"), "--category", "jobs").exit_code == 0
    assert imported(root, "jobs/a.md").split("---\n", 2)[2] == (
        '\n<aside class="warning">\n\n**Careful**\n\nHot *stove*.\n\n</aside>\n\nAfter.\n')


def test_an_admonition_never_closed_is_kept_as_text_at_its_line(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"a.mdx": "---\ntitle: A\n---\n\n:::note\nOpen.\n"})
    result = run_import(root, str(old / "a.mdx"), "--category", "jobs")
    assert "  content/jobs/a.md:9: :::note: kept as text: it is never closed with ':::'" in result.output.splitlines()


COMPUTING = '''---
title: Releases
category: jobs
date: 2020-01-02
fixes: ["101", "102"]
---
{% assign issues = "7|8" | split: "|" %}
{% for issue in issues %}
- [#{{ issue }}]({{ site.repository }}/issues/{{ issue }})
{% endfor %}
{% for fix in page.fixes %}{{ fix }} {% endfor %}
{% for n in (1..100000000) %}{{ n }}{% endfor %}
{{ site.unknown_setting }}
'''


def test_jekyll_liquid_that_computes_is_rendered_with_the_sites_values_and_what_cannot_be_is_kept(site, tmp_path):
    root = site({})
    old = write_tree(tmp_path / "old", {"_config.yml": "repository: https://github.com/example/tool\n",
                                        "_posts/2020-01-02-releases.md": COMPUTING})
    result = run_import(root, str(old / "_posts"))
    assert result.exit_code == 0, result.output
    body = imported(root, "jobs/releases.md").split("---\n", 2)[2]
    assert body == (
        "\n- [#7](https://github.com/example/tool/issues/7)\n\n- [#8](https://github.com/example/tool/issues/8)\n\n"
        "101 102 \n{% for n in (1..100000000) %}{{ n }}{% endfor %}\n{{ site.unknown_setting }}\n")
    lines = result.output.splitlines()
    loop, unknown = line_of(root, "jobs/releases.md", "{% for n"), line_of(root, "jobs/releases.md", "{{ site.unknown")
    assert f"  content/jobs/releases.md:{loop}: {{% for n in (1..100000000) %}}: kept as text, with what it holds: " \
           "loop iteration limit reached" in lines
    assert not any("{{ n }}" in line for line in lines)  # the block is kept whole: one line says it
    assert f"  content/jobs/releases.md:{unknown}: {{{{ site.unknown_setting }}}}: kept as text: 'site.unknown_setting' " \
           "was a value of the original site, unknown here" in lines
