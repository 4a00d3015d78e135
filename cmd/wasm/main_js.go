//go:build js && wasm

// Command wasm is the browser engine of the "try your own picture" panel:
// the project's engine, imageio and render packages compiled to
// WebAssembly. It registers globalThis.cnnTryEngine and then waits for
// calls; try.js is its only caller.
package main

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"syscall/js"
)

func main() {
	var s *session
	fail := func(err error) any { return map[string]any{"error": err.Error()} }
	asJSON := func(v any, err error) any {
		if err != nil {
			return fail(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fail(err)
		}
		return string(b)
	}
	asBytes := func(b []byte, err error) any {
		if err != nil {
			return fail(err)
		}
		u := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(u, b)
		return u
	}
	loaded := func(f func(args []js.Value) any) js.Func {
		return js.FuncOf(func(_ js.Value, args []js.Value) any {
			if s == nil {
				return map[string]any{"error": "no model loaded"}
			}
			return f(args)
		})
	}
	api := map[string]any{
		"load": js.FuncOf(func(_ js.Value, args []js.Value) any {
			ns, err := newSession([]byte(args[0].String()), bytesOf(args[1]))
			if err != nil {
				return fail(err)
			}
			s = ns
			return asJSON(s.info(), nil)
		}),
		"runImage": loaded(func(args []js.Value) any { return asJSON(s.runImage(bytesOf(args[0]))) }),
		"runRGBA": loaded(func(args []js.Value) any {
			return asJSON(s.runRGBA(args[0].Int(), args[1].Int(), bytesOf(args[2])))
		}),
		"mapPNG": loaded(func(args []js.Value) any {
			return asBytes(s.mapPNG(args[0].Int(), args[1].Int(), args[2].String()))
		}),
		"kernelPNG": loaded(func(args []js.Value) any {
			return asBytes(s.kernelPNG(args[0].Int(), args[1].Int(), args[2].Int()))
		}),
		"detail": loaded(func(args []js.Value) any {
			return asJSON(s.detail(args[0].Int(), args[1].Int(), args[2].Int(), args[3].Int()))
		}),
		// layerData returns layer i's output (the input for -1) as the raw
		// float32 values, for the page's numbers and the e2e comparison.
		"layerData": loaded(func(args []js.Value) any {
			t, err := s.tensor(args[0].Int())
			if err != nil {
				return fail(err)
			}
			b := make([]byte, 4*len(t.Data))
			for i, v := range t.Data {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
			u := js.Global().Get("Uint8Array").New(len(b))
			js.CopyBytesToJS(u, b)
			return js.Global().Get("Float32Array").New(u.Get("buffer"))
		}),
	}
	js.Global().Set("cnnTryEngine", js.ValueOf(api))
	if ready := js.Global().Get("cnnTryReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

func bytesOf(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}
