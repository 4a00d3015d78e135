// Package site builds the static explainer: it reads content/<lang>/*.md and
// the language's strings.toml, loads the model and its samples, asks render
// for the language-neutral figures, runs goldmark with the figure and math
// extensions, executes the theme's html/template layouts, minifies, and
// swaps the finished tree into the output folder in one step.
//
// The default language lives at the site root and every other language
// under /<code>/. Every link is relative and names its index.html, so the
// same tree works from disk, from a server root and under a sub-path such
// as a GitHub Pages project site.
package site
