// Recognising licences by their text, and rendering DEP-5 fields.

package main

import (
	"regexp"
	"strings"
)

// classify names the licences text holds, in DEP-5 short names.
func classify(text string) []string {
	flat := strings.Join(strings.Fields(text), " ")
	var names []string
	if strings.Contains(flat, "Apache License") && strings.Contains(flat, "Version 2.0") {
		names = append(names, "Apache-2.0")
	}
	if strings.Contains(flat, "Mozilla Public License") && strings.Contains(flat, "2.0") {
		names = append(names, "MPL-2.0")
	}
	if strings.Contains(flat, "Permission is hereby granted, free of charge") {
		names = append(names, "Expat")
	}
	if strings.Contains(flat, "Redistribution and use in source and binary forms") {
		if strings.Contains(flat, "Neither the name") || strings.Contains(flat, "may be used to endorse") {
			names = append(names, "BSD-3-clause")
		} else {
			names = append(names, "BSD-2-clause")
		}
	}
	return names
}

// allCommon reports whether every licence is in /usr/share/common-licenses.
func allCommon(names []string) bool {
	for _, n := range names {
		if n != "Apache-2.0" && n != "MPL-2.0" {
			return false
		}
	}
	return true
}

// copyrightLine is a notice line: "Copyright (c) 2016 Someone", the holder
// in its group.
var copyrightLine = regexp.MustCompile(`(?mi)^[\s/#*]*copyright\s*(?:\(c\)|©)?\s*(\d{4}.*?)\s*$`)

// holders lists the distinct copyright notices of text, without the word
// "Copyright"; without any, the module's authors.
func holders(text, path string) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range copyrightLine.FindAllStringSubmatch(text, -1) {
		if h := m[1]; !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		if path == "go" {
			return "The Go Authors"
		}
		return "the authors of " + path
	}
	return strings.Join(out, "\n ")
}

// elideApache replaces the full text of the Apache License 2.0 inside text
// (from its title to END OF TERMS AND CONDITIONS) by a pointer to Debian's
// copy, as Debian's policy asks; notices around it stay.
func elideApache(text string) string {
	v := strings.Index(text, "Version 2.0, January 2004")
	end := strings.Index(text, "END OF TERMS AND CONDITIONS")
	if v < 0 || end < v {
		return text
	}
	start := strings.LastIndex(text[:v], "Apache License")
	if start < 0 {
		return text
	}
	start = strings.LastIndex(text[:start], "\n") + 1
	end += len("END OF TERMS AND CONDITIONS")
	return text[:start] + "The Apache License, Version 2.0: on Debian systems in /usr/share/common-licenses/Apache-2.0." + text[end:]
}

// continuation renders text as the continuation lines of a field: each
// line indented by one space, empty lines as " .".
func continuation(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimRight(strings.ReplaceAll(line, "\t", "    "), " \r")
		if line == "" {
			b.WriteString(" .\n")
		} else {
			b.WriteString(" " + line + "\n")
		}
	}
	return b.String()
}
