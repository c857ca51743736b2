// jsonwalk.go walks JSON that is known to be valid and compact (the values
// of RawExtra): members of an object, items of a list, where a value ends.

package event

// walker steps through the members or items of one object or list.
type walker struct {
	b []byte
	i int
}

// walk starts at the '{' or '[' that opens b.
func walk(b []byte) walker { return walker{b: b, i: 1} }

// member returns the next key (a quoted string) and value of an object.
func (w *walker) member() (key, val []byte, ok bool) {
	if !w.more() {
		return nil, nil, false
	}
	k := w.i
	w.i = stringEnd(w.b, w.i)
	key = w.b[k:w.i]
	w.i++ // ':'
	v := w.i
	w.i = valueEnd(w.b, w.i)
	return key, w.b[v:w.i], true
}

// item returns the next value of a list.
func (w *walker) item() ([]byte, bool) {
	if !w.more() {
		return nil, false
	}
	v := w.i
	w.i = valueEnd(w.b, w.i)
	return w.b[v:w.i], true
}

func (w *walker) more() bool {
	if w.i < len(w.b) && w.b[w.i] == ',' {
		w.i++
	}
	return w.i < len(w.b) && w.b[w.i] != '}' && w.b[w.i] != ']'
}

// valueEnd returns the index after the value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' {
		i++
	}
	return i
}

// stringEnd returns the index after the string whose quote is at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b) && b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}
