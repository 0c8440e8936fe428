<?xml version="1.0" encoding="UTF-8"?>
{# The feeds as a page in a browser: an XSLT 1.0 stylesheet for the RSS and Atom feeds
   (they name it in an <?xml-stylesheet?> line, which feed readers skip). Values: site,
   page, text, months (the language's month names, January first), digits (the
   language's ten digits), subscribe (the subscribe page's URL). #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

<xsl:variable name="title" select="(/rss/channel/title | /atom:feed/atom:title)[1]"/>
<xsl:variable name="self" select="(/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href)[1]"/>

<xsl:template match="/">
<html lang="{{ page.lang }}" dir="{{ page.dir }}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<meta name="color-scheme" content="light dark"/>
<title><xsl:value-of select="$title"/> · {{ text.feed_page_title }}</title>
{% if site.stylesheet %}
<link rel="stylesheet" href="{{ site.stylesheet }}"/>
{% endif %}
</head>
<body>
<header class="site-header">
  <div class="site-brand"><p class="site-title"><a href="{{ site.url }}">{{ site.title }}</a></p></div>
</header>
<main id="site.main">
  <aside class="feed-note" aria-label="{{ text.feed_page_title }}">
    <p><strong>{{ text.feed_note_title }}</strong> {{ text.feed_note }}</p>
    <p class="feed-address"><code><xsl:value-of select="$self"/></code></p>
    <p><a href="{{ subscribe }}">{{ text.feed_note_more }}</a></p>
  </aside>
  <h1 class="listing-title"><xsl:value-of select="$title"/></h1>
  <p class="listing-description"><xsl:value-of select="(/rss/channel/description | /atom:feed/atom:subtitle)[1]"/></p>
  <div class="cards">
    <xsl:for-each select="/rss/channel/item">
      <article class="card">
        <h2 class="card-title"><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="summary"><xsl:value-of select="description"/></p>
        <p class="meta"><xsl:call-template name="rss-date"><xsl:with-param name="date" select="pubDate"/></xsl:call-template></p>
      </article>
    </xsl:for-each>
    <xsl:for-each select="/atom:feed/atom:entry">
      <article class="card">
        <h2 class="card-title"><a href="{atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="summary"><xsl:value-of select="atom:summary"/></p>
        <p class="meta"><xsl:call-template name="date">
          <xsl:with-param name="day" select="number(substring(atom:published, 9, 2))"/>
          <xsl:with-param name="month" select="number(substring(atom:published, 6, 2))"/>
          <xsl:with-param name="year" select="substring(atom:published, 1, 4)"/>
        </xsl:call-template></p>
      </article>
    </xsl:for-each>
  </div>
</main>
</body>
</html>
</xsl:template>

<xsl:template name="rss-date">
  <xsl:param name="date"/>
  <xsl:call-template name="date">
    <xsl:with-param name="day" select="number(substring($date, 6, 2))"/>
    <xsl:with-param name="month" select="(string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring($date, 9, 3))) div 3) + 1"/>
    <xsl:with-param name="year" select="substring($date, 13, 4)"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="date">
  <xsl:param name="day"/>
  <xsl:param name="month"/>
  <xsl:param name="year"/>
  <xsl:variable name="name">
    <xsl:choose>
      {% for name in months %}
      <xsl:when test="$month = {{ loop.index }}">{{ name }}</xsl:when>
      {% endfor %}
    </xsl:choose>
  </xsl:variable>
  <xsl:value-of select="translate(concat($day, ' ', $name, ' ', $year), '0123456789', '{{ digits }}')"/>
</xsl:template>

</xsl:stylesheet>
