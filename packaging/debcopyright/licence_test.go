// Tests of debcopyright's licence handling on hand-written texts: the
// licences a text is classified as, the copyright holders read from its
// notices, and the Apache licence's terms replaced by a pointer to Debian's
// common-licenses in DEP-5 continuation lines.

package main

import (
	"slices"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"expat", "Copyright (c) 2016 A\n\nPermission is hereby granted, free of charge, to any person", []string{"Expat"}},
		{"bsd-3", "Redistribution and use in source and binary forms, with or\nwithout modification...\n* Neither the name of Google Inc.", []string{"BSD-3-clause"}},
		{"bsd-2", "Redistribution and use in source and binary forms, with or without modification, are permitted", []string{"BSD-2-clause"}},
		{"apache", "                                 Apache License\n                           Version 2.0, January 2004", []string{"Apache-2.0"}},
		{"mpl", "Mozilla Public License Version 2.0\n==================================", []string{"MPL-2.0"}},
		{"two", "Licensed under the Apache License, Version 2.0 ...\nPermission is hereby granted, free of charge, to any", []string{"Apache-2.0", "Expat"}},
		{"unknown", "All rights reserved. Do not copy.", nil},
	}
	for _, tc := range tests {
		if got := classify(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestHolders(t *testing.T) {
	text := "Copyright (c) 2012 The Go Authors. All rights reserved.\n// Copyright 2019 Klaus Post\n" +
		"copyright staring in 2011 when ported\nCopyright © 2020 Ünïcode Ltd\nCopyright (c) 2012 The Go Authors. All rights reserved.\n"
	want := "2012 The Go Authors. All rights reserved.\n 2019 Klaus Post\n 2020 Ünïcode Ltd"
	if got := holders(text, "x"); got != want {
		t.Errorf("holders:\n%s\nwant:\n%s", got, want)
	}
	if got := holders("no notice", "example.org/m"); got != "the authors of example.org/m" {
		t.Errorf("no notice: %q", got)
	}
}

func TestElideApacheAndContinuation(t *testing.T) {
	text := "Copyright 2019 K\n\nBSD text\n---\n\n                  Apache License\n            Version 2.0, January 2004\n\n" +
		"   1. Definitions.\n   END OF TERMS AND CONDITIONS\n\n   APPENDIX\n\tCopyright 2016 NYT"
	want := " Copyright 2019 K\n .\n BSD text\n ---\n .\n The Apache License, Version 2.0: on Debian systems in /usr/share/common-licenses/Apache-2.0.\n" +
		" .\n    APPENDIX\n     Copyright 2016 NYT\n"
	if got := continuation(elideApache(text)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(continuation(elideApache(text)), "Definitions") {
		t.Error("the Apache licence's terms were kept")
	}
}
