package onnx

func attr(n *nodeProto, name string) *attrProto {
	for _, a := range n.attrs {
		if a.name == name {
			return a
		}
	}
	return nil
}

func attrInt(n *nodeProto, name string, def int64) int64 {
	if a := attr(n, name); a != nil {
		return a.i
	}
	return def
}

func attrInts(n *nodeProto, name string) []int64 {
	if a := attr(n, name); a != nil {
		return a.ints
	}
	return nil
}

func attrFloat(n *nodeProto, name string, def float32) float32 {
	if a := attr(n, name); a != nil {
		return a.f
	}
	return def
}

func attrString(n *nodeProto, name, def string) string {
	if a := attr(n, name); a != nil {
		return string(a.s)
	}
	return def
}
