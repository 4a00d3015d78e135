package site

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// A strings table can fail a reader in two quiet ways: a key the site asks
// for that no table has (the page shows "nav.skip"), and a translation
// whose placeholders differ from English ("{smaple}" is printed as is).
// Both are reported, and fail the build under -strict-i18n.

var placeholder = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// placeholderGaps lists, for each key of a translation, placeholders that
// differ from the default language's string.
func placeholderGaps(def, tr Strings) []string {
	var out []string
	for _, k := range sortedKeys(tr) {
		d, ok := def[k]
		if !ok {
			continue
		}
		want, got := placeholderSet(d), placeholderSet(tr[k])
		var extra, lack []string
		for p := range got {
			if !want[p] {
				extra = append(extra, p)
			}
		}
		for p := range want {
			if !got[p] {
				lack = append(lack, p)
			}
		}
		if len(extra)+len(lack) == 0 {
			continue
		}
		sort.Strings(extra)
		sort.Strings(lack)
		msg := k + ":"
		if len(extra) > 0 {
			msg += " " + strings.Join(extra, " ") + " not in the default language's string;"
		}
		if len(lack) > 0 {
			msg += " lacks " + strings.Join(lack, " ") + ";"
		}
		out = append(out, strings.TrimSuffix(msg, ";"))
	}
	return out
}

func placeholderSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, p := range placeholder.FindAllString(s, -1) {
		set[p] = true
	}
	return set
}

// keyLog records the keys the site asked for that no strings table has.
// One belongs to a build; the languages of that build share it.
type keyLog struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (k *keyLog) miss(key string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = map[string]bool{}
	}
	k.keys[key] = true
}

// warnings names the default language's strings file for each missing key.
func (k *keyLog) warnings(def *Language) []warning {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []warning
	for _, key := range sortedKeys(k.keys) {
		out = append(out, warning{File: filepath.Join(def.Dir, "strings.toml"), Kind: warnStringKey,
			Msg: fmt.Sprintf("key %s is used by the site but missing (pages show the bare key)", key)})
	}
	return slices.Clip(out)
}
