package site

import (
	"bytes"
	"strconv"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// headingIDs makes heading anchors that keep letters of every script:
// goldmark's own generator keeps only ASCII, so a Chinese heading would get
// "heading", "heading-1", ... Here "卷积层 (Convolution)" becomes
// "卷积层-convolution".
type headingIDs struct {
	used map[string]bool
}

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

// Generate lower-cases letters, keeps letters, digits and marks, and turns
// runs of anything else into one '-'. Repeats get -1, -2, ...
func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	id := headingSlug(value)
	if id == "" {
		id = "section"
	}
	base := id
	for i := 1; h.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

func headingSlug(value []byte) string {
	var b bytes.Buffer
	dash := false
	for _, r := range string(value) {
		if isWordRune(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		dash = true
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
