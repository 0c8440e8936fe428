<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

<xsl:variable name="title" select="(/rss/channel/title | /atom:feed/atom:title)[1]"/>
<xsl:variable name="self" select="(/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href)[1]"/>

<xsl:template match="/">
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<meta name="color-scheme" content="light dark"/>
<title><xsl:value-of select="$title"/> · Feed</title>
<link rel="stylesheet" href="/board/static/style.css?v=ab031fa9ff"/>
</head>
<body>
<header class="site-header">
  <div class="site-brand"><p class="site-title"><a href="/board/">Golden Board</a></p></div>
</header>
<main id="site.main">
  <aside class="feed-note" aria-label="Feed">
    <p><strong>This is a feed.</strong> Feed readers follow this address to show you each new article once. To subscribe, copy it into your feed reader.</p>
    <p class="feed-address"><code><xsl:value-of select="$self"/></code></p>
    <p><a href="/board/subscribe/">How to subscribe</a></p>
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
      <xsl:when test="$month = 1">January</xsl:when>
      <xsl:when test="$month = 2">February</xsl:when>
      <xsl:when test="$month = 3">March</xsl:when>
      <xsl:when test="$month = 4">April</xsl:when>
      <xsl:when test="$month = 5">May</xsl:when>
      <xsl:when test="$month = 6">June</xsl:when>
      <xsl:when test="$month = 7">July</xsl:when>
      <xsl:when test="$month = 8">August</xsl:when>
      <xsl:when test="$month = 9">September</xsl:when>
      <xsl:when test="$month = 10">October</xsl:when>
      <xsl:when test="$month = 11">November</xsl:when>
      <xsl:when test="$month = 12">December</xsl:when>
    </xsl:choose>
  </xsl:variable>
  <xsl:value-of select="translate(concat($day, ' ', $name, ' ', $year), '0123456789', '0123456789')"/>
</xsl:template>

</xsl:stylesheet>
