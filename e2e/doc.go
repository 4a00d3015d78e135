// Package e2e holds the browser tests of the built site: it builds the
// default site into a temporary folder, serves it on 127.0.0.1 with
// net/http/httptest and drives Debian's headless Chromium through
// github.com/chromedp/chromedp. The tests check what a reader meets: pages
// that load without errors or requests to other hosts, the sample picker, the
// neuron detail views by mouse and keyboard, the language switcher, the pages
// without JavaScript, accessibility (axe-core from npm, focus, reduced
// motion), and screenshots for review in screenshots/.
//
// Without Chromium or node_modules the tests skip, with CI=true they fail.
package e2e
