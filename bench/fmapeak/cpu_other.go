//go:build !amd64

package main

// Elsewhere there is no assembly: main reports that and stops.

func addChain(int) {}
func fma256(int)   {}

func haveFMA() bool { return false }
