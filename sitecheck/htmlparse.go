package sitecheck

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/tdewolff/parse/v2"
	htmllex "github.com/tdewolff/parse/v2/html"
)

// The HTML lexing loop of the page check: parsePage walks the tokens and
// keeps the open elements; html.go checks each element and collects refs.

// pageParser holds parsePage's state between tokens.
type pageParser struct {
	pg                       *page
	lex                      *htmllex.Lexer
	stack                    []*element
	cur                      *element
	seenDoctype, seenContent bool
	rawOf                    string // element whose raw text comes next (script, style)
	scriptEl                 *element
}

func (p *pageParser) errf(l int, rule Rule, format string, args ...any) {
	p.pg.errs = append(p.pg.errs, issue{l, rule, fmt.Sprintf(format, args...)})
}

// parsePage lexes an HTML document, checks that every element is closed in
// order, and collects ids and references.
func parsePage(data []byte) *page {
	p := &pageParser{pg: &page{ids: map[string]bool{}}, lex: htmllex.NewLexer(parse.NewInputBytes(data))}
	line := 1
	for {
		tt, tok := p.lex.Next()
		tokLine := line
		line += bytes.Count(tok, []byte{'\n'})
		switch tt {
		case htmllex.ErrorToken:
			p.finish(tokLine)
			return p.pg
		case htmllex.DoctypeToken:
			if p.seenContent || p.seenDoctype {
				p.errf(tokLine, RuleHTML, "<!DOCTYPE> is not the first thing in the file")
			}
			p.seenDoctype = true
		case htmllex.CommentToken:
		case htmllex.TextToken:
			p.text(tok, tokLine)
		case htmllex.StartTagToken:
			p.seenContent = true
			p.cur = &element{name: strings.ToLower(string(p.lex.Text())), line: tokLine, attrs: map[string]string{}}
		case htmllex.AttributeToken:
			p.attribute(tokLine)
		case htmllex.StartTagCloseToken, htmllex.StartTagVoidToken:
			p.startClose(tt == htmllex.StartTagVoidToken)
		case htmllex.EndTagToken:
			p.endTag(tokLine)
		case htmllex.SVGToken, htmllex.MathToken:
			p.foreign(tok, tokLine)
		}
	}
}

// finish reports, at the end of the input, a lexer error, what is still
// open and a missing doctype.
func (p *pageParser) finish(tokLine int) {
	if err := p.lex.Err(); err != nil && !errors.Is(err, io.EOF) {
		p.errf(tokLine, RuleHTML, "%v", err)
	}
	for i := len(p.stack) - 1; i >= 0; i-- {
		p.errf(p.stack[i].line, RuleHTML, "<%s> is never closed", p.stack[i].name)
	}
	if !p.seenDoctype {
		p.errf(1, RuleHTML, "no <!DOCTYPE html>")
	}
}

// text takes a text token: a script's or style's raw text, or content.
func (p *pageParser) text(tok []byte, tokLine int) {
	pg := p.pg
	if p.rawOf == "script" {
		if scriptIsJS(p.scriptEl) {
			pg.inlineJS += int64(len(tok))
			pg.inlineJSText = append(pg.inlineJSText, string(tok))
		}
	} else if p.rawOf == "style" {
		for _, r := range parseCSS(tok).refs {
			r.line += tokLine - 1
			pg.refs = append(pg.refs, r)
		}
	} else if len(bytes.TrimSpace(tok)) > 0 {
		p.seenContent = true
	}
	p.rawOf = ""
}

// attribute adds an attribute to the open start tag.
func (p *pageParser) attribute(tokLine int) {
	cur := p.cur
	if cur == nil {
		return
	}
	k := strings.ToLower(string(p.lex.AttrKey()))
	v := string(p.lex.AttrVal())
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if _, dup := cur.attrs[k]; dup {
		p.errf(tokLine, RuleHTML, "<%s> has the attribute %s twice", cur.name, k)
	}
	cur.attrs[k] = html.UnescapeString(v)
	cur.order = append(cur.order, k)
}

// startClose ends a start tag: the element is checked and, unless void,
// opened.
func (p *pageParser) startClose(void bool) {
	cur := p.cur
	if cur == nil {
		return
	}
	p.pg.element(cur, p.errf)
	if void && !voidElements[cur.name] {
		p.errf(cur.line, RuleHTML, "<%s/> is not a void element; the slash does not close it", cur.name)
	}
	if !voidElements[cur.name] {
		p.stack = append(p.stack, cur)
	}
	if cur.name == "script" || cur.name == "style" {
		p.rawOf, p.scriptEl = cur.name, cur
	}
	p.cur = nil
}

// endTag closes the innermost open element of its name, reporting what it
// leaves open.
func (p *pageParser) endTag(tokLine int) {
	name := strings.ToLower(strings.TrimSpace(string(p.lex.Text())))
	if voidElements[name] {
		p.errf(tokLine, RuleHTML, "</%s>: %s is a void element and takes no end tag", name, name)
		return
	}
	at := -1
	for i := len(p.stack) - 1; i >= 0; i-- {
		if p.stack[i].name == name {
			at = i
			break
		}
	}
	if at < 0 {
		p.errf(tokLine, RuleHTML, "</%s> closes nothing that is open", name)
		return
	}
	for i := len(p.stack) - 1; i > at; i-- {
		p.errf(p.stack[i].line, RuleHTML, "<%s> is still open at </%s> on line %d", p.stack[i].name, name, tokLine)
	}
	p.stack = p.stack[:at]
}

// foreign takes an inline SVG or MathML island: its references and ids.
func (p *pageParser) foreign(tok []byte, tokLine int) {
	pg := p.pg
	p.seenContent = true
	refs, errs := svgRefs(tok, tokLine)
	pg.refs = append(pg.refs, refs...)
	pg.errs = append(pg.errs, errs...)
	for _, id := range xmlIDs(tok) {
		if pg.ids[id] {
			p.errf(tokLine, RuleDupID, "id %q appears twice", id)
		}
		pg.ids[id] = true
	}
}
