// "Did you mean": the nearest known key, allowed value, flag or command to a
// misspelt one, by edit distance, offered only when one candidate is
// clearly nearest. The one such helper of serfwd (config and the CLI).

package config

import "strings"

// DidYouMean returns "; did you mean X?" when exactly one candidate is
// nearest to got and near enough to be a plausible misspelling, else "":
// for messages about a value that must be one of a few.
func DidYouMean(got string, candidates []string) string {
	return didYouMean(got, candidates)
}

func didYouMean(got string, candidates []string) string {
	if best, ok := Nearest(got, candidates); ok {
		return "; did you mean " + best + "?"
	}
	return ""
}

// Nearest finds the one candidate closest to got (ignoring case) within a
// distance of a third of its length (at least 1, at most 3). Ties mean no
// answer: "local9" is as near to local0 as to local7.
func Nearest(got string, candidates []string) (string, bool) {
	g := strings.ToLower(got)
	best, bestD, ties := "", -1, 0
	for _, c := range candidates {
		if c == got {
			continue
		}
		d := distance(g, strings.ToLower(c))
		if d > max(1, min(3, len(c)/3)) {
			continue
		}
		switch {
		case bestD < 0 || d < bestD:
			best, bestD, ties = c, d, 0
		case d == bestD && c != best:
			ties++
		}
	}
	return best, bestD >= 0 && ties == 0
}

// distance is the optimal string alignment distance between a and b: the
// insertions, deletions, substitutions and swaps of neighbours that turn one
// into the other.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
