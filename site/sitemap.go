package site

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// sitemap lists every page with its translations as hreflang alternates.
type sitemapEntry struct {
	path string
	alts []LangLink // Href holds the site path here
}

func sitemapXML(base string, entries []sitemapEntry) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "<url><loc>%s</loc>", xmlEscape(absURL(base, e.path)))
		for _, a := range e.alts {
			fmt.Fprintf(&b, `<xhtml:link rel="alternate" hreflang="%s" href="%s"/>`, a.Code, xmlEscape(absURL(base, a.Href)))
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// xmlEscaper is read-only after start-up, like a constant table.
var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

// absURL joins the base URL and a site path, dropping "index.html" so the
// address is the one a server shows.
func absURL(base, p string) string {
	p = (&url.URL{Path: strings.TrimSuffix(p, "index.html")}).EscapedPath()
	if base == "" {
		return "/" + p
	}
	return strings.TrimSuffix(base, "/") + "/" + p
}
