// Package mathml turns a small subset of LaTeX into MathML at build time, so
// formulas need no JavaScript in the browser. The subset is what the
// chapters use: \frac, \sqrt, \sum with limits, sub- and superscripts,
// \max \min \exp \log, \cdot \times, \left( \right), Greek letters, \text{},
// floor and ceiling brackets, \le \ge \ne, \mathbf. Anything else is an
// error that names its position, never silently dropped.
package mathml

import (
	"errors"
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a formula that cannot be converted. Offset is the byte offset in
// the formula where the problem starts.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("math: column %d: %s", e.Offset+1, e.Msg) }

// Convert returns the MathML for a formula. display selects a block
// formula ($$...$$) over an inline one ($...$).
func Convert(src string, display bool) (string, error) {
	if !utf8.ValidString(src) {
		return "", &Error{Offset: 0, Msg: "formula is not valid UTF-8"}
	}
	// XML 1.0 cannot carry most control characters, even escaped, so a
	// formula holding one could only produce a broken page.
	for i, r := range src {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return "", &Error{Offset: i, Msg: fmt.Sprintf("control character %U is not allowed", r)}
		}
	}
	p := &texParser{src: src}
	body, err := p.row(0)
	if err != nil {
		return "", err
	}
	if p.pos < len(p.src) {
		return "", p.errorf("unexpected %q", p.src[p.pos:p.pos+1])
	}
	var b strings.Builder
	if display {
		b.WriteString(`<math display="block">`)
	} else {
		b.WriteString(`<math>`)
	}
	b.WriteString(mrow(body))
	b.WriteString(`</math>`)
	return b.String(), nil
}

type texParser struct {
	src   string
	pos   int
	depth int
}

func (p *texParser) errorf(format string, a ...any) error {
	return &Error{Offset: p.pos, Msg: fmt.Sprintf(format, a...)}
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

func mrow(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return "<mrow>" + strings.Join(items, "") + "</mrow>"
}

func (p *texParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// row reads items until the end, a closing brace, or \right. stop lists the
// byte that ends it ('}' inside a group, 0 at top level).
func (p *texParser) row(stop byte) ([]string, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errorf("formula nested too deeply")
	}
	var items []string
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			if stop != 0 {
				return nil, p.errorf("missing %q", string(stop))
			}
			return items, nil
		}
		c := p.src[p.pos]
		if c == '}' {
			if stop == '}' {
				return items, nil
			}
			return nil, p.errorf("unmatched }")
		}
		if strings.HasPrefix(p.src[p.pos:], `\right`) {
			if stop == 'r' {
				return items, nil
			}
			return nil, p.errorf(`\right without \left`)
		}
		item, err := p.term()
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
}

// term is an atom with optional subscript and superscript.
func (p *texParser) term() (string, error) {
	start := p.pos
	base, limits, err := p.atom()
	if err != nil {
		return "", err
	}
	var sub, sup string
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || (p.src[p.pos] != '_' && p.src[p.pos] != '^') {
			break
		}
		mark := p.src[p.pos]
		p.pos++
		p.skipSpace()
		if p.pos >= len(p.src) {
			return "", p.errorf("missing script after %q", string(mark))
		}
		arg, err := p.argument()
		if err != nil {
			return "", err
		}
		if mark == '_' {
			if sub != "" {
				return "", &Error{Offset: start, Msg: "double subscript"}
			}
			sub = arg
		} else {
			if sup != "" {
				return "", &Error{Offset: start, Msg: "double superscript"}
			}
			sup = arg
		}
	}
	switch {
	case sub != "" && sup != "" && limits:
		return "<munderover>" + base + sub + sup + "</munderover>", nil
	case sub != "" && sup != "":
		return "<msubsup>" + base + sub + sup + "</msubsup>", nil
	case sub != "" && limits:
		return "<munder>" + base + sub + "</munder>", nil
	case sub != "":
		return "<msub>" + base + sub + "</msub>", nil
	case sup != "" && limits:
		return "<mover>" + base + sup + "</mover>", nil
	case sup != "":
		return "<msup>" + base + sup + "</msup>", nil
	}
	return base, nil
}

// argument reads a braced group or a single token, as the argument of a
// script or command.
func (p *texParser) argument() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return "", p.errorf("missing argument")
	}
	if p.src[p.pos] == '{' {
		p.pos++
		items, err := p.row('}')
		if err != nil {
			return "", err
		}
		p.pos++ // '}'
		if len(items) == 0 {
			return "<mrow></mrow>", nil
		}
		return mrow(items), nil
	}
	s, _, err := p.atom()
	return s, err
}

// atom reads one token. limits reports a big operator (\sum, \max, ...)
// whose scripts go under and over it.
func (p *texParser) atom() (string, bool, error) {
	c := p.src[p.pos]
	switch {
	case c == '{':
		s, err := p.argument()
		return s, false, err
	case c == '\\':
		return p.command()
	case c >= '0' && c <= '9' || c == '.' && p.pos+1 < len(p.src) && p.src[p.pos+1] >= '0' && p.src[p.pos+1] <= '9':
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		return "<mn>" + p.src[start:p.pos] + "</mn>", false, nil
	case c == '^' || c == '_':
		return "", false, p.errorf("script %q has nothing before it", string(c))
	case c == '&' || c == '#' || c == '%' || c == '$' || c == '~':
		return "", false, p.errorf("unsupported character %q", string(c))
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	if r == utf8.RuneError && size <= 1 {
		return "", false, p.errorf("invalid UTF-8")
	}
	p.pos += size
	if op, ok := operators[r]; ok {
		return "<mo>" + html.EscapeString(op) + "</mo>", false, nil
	}
	if unicode.IsLetter(r) {
		return "<mi>" + html.EscapeString(string(r)) + "</mi>", false, nil
	}
	if unicode.IsPunct(r) || unicode.IsSymbol(r) {
		return "<mo>" + html.EscapeString(string(r)) + "</mo>", false, nil
	}
	p.pos -= size
	return "", false, p.errorf("unsupported character %q", string(r))
}

var operators = map[rune]string{
	'+': "+", '-': "−", '=': "=", '<': "<", '>': ">", ',': ",", ';': ";", ':': ":",
	'!': "!", '(': "(", ')': ")", '[': "[", ']': "]", '|': "|", '/': "/", '*': "∗", '\'': "′",
}

func (p *texParser) command() (string, bool, error) {
	start := p.pos
	p.pos++ // backslash
	if p.pos >= len(p.src) {
		return "", false, p.errorf("lone backslash")
	}
	nameStart := p.pos
	if !isASCIILetter(p.src[p.pos]) {
		// One-character commands: escaped braces and spacing.
		c := p.src[p.pos]
		p.pos++
		switch c {
		case '{', '}':
			return "<mo>" + string(c) + "</mo>", false, nil
		case ',':
			return `<mspace width="0.167em"></mspace>`, false, nil
		case ';':
			return `<mspace width="0.278em"></mspace>`, false, nil
		case ' ':
			return `<mspace width="0.25em"></mspace>`, false, nil
		case '|':
			return "<mo>‖</mo>", false, nil
		}
		return "", false, &Error{Offset: start, Msg: fmt.Sprintf(`unsupported command \%c`, c)}
	}
	for p.pos < len(p.src) && isASCIILetter(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[nameStart:p.pos]
	if s, ok := symbols[name]; ok {
		return s, false, nil
	}
	if s, ok := bigOperators[name]; ok {
		return s, true, nil
	}
	switch name {
	case "frac":
		num, err := p.argument()
		if err != nil {
			return "", false, err
		}
		den, err := p.argument()
		if err != nil {
			return "", false, err
		}
		return "<mfrac>" + num + den + "</mfrac>", false, nil
	case "sqrt":
		arg, err := p.argument()
		if err != nil {
			return "", false, err
		}
		return "<msqrt>" + arg + "</msqrt>", false, nil
	case "text", "mathrm":
		txt, err := p.rawGroup()
		if err != nil {
			return "", false, err
		}
		if name == "mathrm" {
			return `<mi mathvariant="normal">` + html.EscapeString(txt) + "</mi>", false, nil
		}
		return "<mtext>" + html.EscapeString(txt) + "</mtext>", false, nil
	case "mathbf":
		arg, err := p.argument()
		if err != nil {
			return "", false, err
		}
		return `<mstyle mathvariant="bold">` + arg + "</mstyle>", false, nil
	case "left":
		return p.fenced(start)
	case "right":
		return "", false, &Error{Offset: start, Msg: `\right without \left`}
	}
	return "", false, &Error{Offset: start, Msg: fmt.Sprintf(`unsupported command \%s`, name)}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// rawGroup reads {text} without interpreting it.
func (p *texParser) rawGroup() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		return "", p.errorf("expected {")
	}
	end := strings.IndexByte(p.src[p.pos:], '}')
	if end < 0 {
		return "", p.errorf("missing }")
	}
	txt := p.src[p.pos+1 : p.pos+end]
	p.pos += end + 1
	return txt, nil
}

func (p *texParser) delimiter() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return "", p.errorf("missing delimiter")
	}
	for _, d := range []struct{ tex, out string }{
		{`\lfloor`, "⌊"}, {`\rfloor`, "⌋"}, {`\lceil`, "⌈"}, {`\rceil`, "⌉"},
		{`\{`, "{"}, {`\}`, "}"}, {`\|`, "‖"}, {"(", "("}, {")", ")"}, {"[", "["}, {"]", "]"}, {"|", "|"}, {".", ""},
	} {
		if strings.HasPrefix(p.src[p.pos:], d.tex) {
			p.pos += len(d.tex)
			return d.out, nil
		}
	}
	return "", p.errorf("unsupported delimiter")
}

func (p *texParser) fenced(start int) (string, bool, error) {
	open, err := p.delimiter()
	if err != nil {
		return "", false, err
	}
	items, err := p.row('r')
	if err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && strings.HasPrefix(e.Msg, "missing") {
			return "", false, &Error{Offset: start, Msg: `\left without \right`}
		}
		return "", false, err
	}
	p.pos += len(`\right`)
	closeDelim, err := p.delimiter()
	if err != nil {
		return "", false, err
	}
	var b strings.Builder
	b.WriteString("<mrow>")
	if open != "" {
		b.WriteString(`<mo fence="true">` + html.EscapeString(open) + "</mo>")
	}
	b.WriteString(strings.Join(items, ""))
	if closeDelim != "" {
		b.WriteString(`<mo fence="true">` + html.EscapeString(closeDelim) + "</mo>")
	}
	b.WriteString("</mrow>")
	return b.String(), false, nil
}

var bigOperators = map[string]string{
	"sum":  "<mo>∑</mo>",
	"prod": "<mo>∏</mo>",
	"max":  "<mo>max</mo>",
	"min":  "<mo>min</mo>",
	"arg":  `<mi mathvariant="normal">arg</mi>`,
}

var symbols = func() map[string]string {
	m := map[string]string{
		"cdot": "<mo>⋅</mo>", "times": "<mo>×</mo>", "le": "<mo>≤</mo>", "leq": "<mo>≤</mo>",
		"ge": "<mo>≥</mo>", "geq": "<mo>≥</mo>", "ne": "<mo>≠</mo>", "neq": "<mo>≠</mo>",
		"approx": "<mo>≈</mo>", "pm": "<mo>±</mo>", "to": "<mo>→</mo>", "in": "<mo>∈</mo>",
		"infty": "<mi>∞</mi>", "ldots": "<mo>…</mo>", "cdots": "<mo>⋯</mo>", "dots": "<mo>…</mo>",
		"lfloor": "<mo>⌊</mo>", "rfloor": "<mo>⌋</mo>", "lceil": "<mo>⌈</mo>", "rceil": "<mo>⌉</mo>",
		"quad": `<mspace width="1em"></mspace>`, "qquad": `<mspace width="2em"></mspace>`,
		"partial": "<mo>∂</mo>",
	}
	for _, f := range []string{"exp", "log", "ln", "sin", "cos", "tanh"} {
		m[f] = `<mi mathvariant="normal">` + f + "</mi><mo>\u2061</mo>"
	}
	greek := map[string]string{
		"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
		"eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
		"pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ",
		"psi": "ψ", "omega": "ω",
		"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
		"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	}
	for k, v := range greek {
		if k[0] >= 'A' && k[0] <= 'Z' {
			m[k] = `<mi mathvariant="normal">` + v + "</mi>"
		} else {
			m[k] = "<mi>" + v + "</mi>"
		}
	}
	return m
}()
