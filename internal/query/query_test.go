package query_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxmp/wxmp/internal/query"
)

// wechatNames are the parameters the signature checks read.
var wechatNames = []string{"signature", "timestamp", "nonce", "encrypt_type", "msg_signature"}

// viaURL is what Scan must agree with: url.ParseQuery, then Get and len.
func viaURL(raw string, names []string) []query.Param {
	q, _ := url.ParseQuery(raw)
	out := make([]query.Param, len(names))
	for i, n := range names {
		out[i] = query.Param{Name: n, Value: q.Get(n), Count: len(q[n])}
	}
	return out
}

func scan(raw string, names []string) []query.Param {
	ps := make([]query.Param, len(names))
	for i, n := range names {
		ps[i].Name = n
	}
	query.Scan(raw, ps)
	return ps
}

func readSeeds(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.query"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var seeds []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		seeds = append(seeds, strings.TrimSpace(string(b)))
	}
	return seeds
}

func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want map[string]query.Param // by name; absent names must come out empty
	}{
		{name: "empty query", raw: ""},
		{name: "plain values", raw: "timestamp=1&nonce=2&signature=abc",
			want: map[string]query.Param{"timestamp": {Value: "1", Count: 1}, "nonce": {Value: "2", Count: 1}, "signature": {Value: "abc", Count: 1}}},
		{name: "first value wins", raw: "nonce=1&nonce=2",
			want: map[string]query.Param{"nonce": {Value: "1", Count: 2}}},
		{name: "plus is a space, %XX a byte", raw: "nonce=a+b%2Bc%7e",
			want: map[string]query.Param{"nonce": {Value: "a b+c~", Count: 1}}},
		{name: "escaped name", raw: "%6Eonce=1&n%6fnce=2",
			want: map[string]query.Param{"nonce": {Value: "1", Count: 2}}},
		{name: "no equals sign is an empty value", raw: "nonce&nonce=2",
			want: map[string]query.Param{"nonce": {Value: "", Count: 2}}},
		{name: "second equals sign is part of the value", raw: "nonce=a=b",
			want: map[string]query.Param{"nonce": {Value: "a=b", Count: 1}}},
		{name: "a bad escape in the value drops the pair", raw: "nonce=%zz&nonce=2",
			want: map[string]query.Param{"nonce": {Value: "2", Count: 1}}},
		{name: "a bad escape in the name drops the pair", raw: "nonce%=1&nonce=2",
			want: map[string]query.Param{"nonce": {Value: "2", Count: 1}}},
		{name: "a truncated escape drops the pair", raw: "nonce=2&nonce=%4",
			want: map[string]query.Param{"nonce": {Value: "2", Count: 1}}},
		{name: "a semicolon drops the pair", raw: "nonce=1;x=2&timestamp=3;&signature=s",
			want: map[string]query.Param{"signature": {Value: "s", Count: 1}}},
		{name: "an escaped semicolon is kept", raw: "nonce=1%3B2",
			want: map[string]query.Param{"nonce": {Value: "1;2", Count: 1}}},
		{name: "names are case sensitive", raw: "Nonce=1&NONCE=2"},
		{name: "empty pairs are skipped", raw: "&&nonce=1&&",
			want: map[string]query.Param{"nonce": {Value: "1", Count: 1}}},
		{name: "encrypt_type twice", raw: "encrypt_type=aes&encrypt_type=raw",
			want: map[string]query.Param{"encrypt_type": {Value: "aes", Count: 2}}},
		{name: "too many parameters parse to nothing", raw: "nonce=1" + strings.Repeat("&", 10000)},
		{name: "just under the limit", raw: "nonce=1" + strings.Repeat("&", 9999),
			want: map[string]query.Param{"nonce": {Value: "1", Count: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := scan(tt.raw, wechatNames)
			for i, name := range wechatNames {
				want := tt.want[name]
				want.Name = name
				assert.Equal(t, want, got[i], name)
			}
			assert.Equal(t, viaURL(tt.raw, wechatNames), got, "differs from url.ParseQuery")
		})
	}
}

func TestScanResetsParams(t *testing.T) {
	t.Parallel()
	ps := []query.Param{{Name: "nonce", Value: "stale", Count: 3}}
	query.Scan("timestamp=1", ps)
	assert.Equal(t, query.Param{Name: "nonce"}, ps[0])
}

func TestScanAllocatesOnlyForEscapedValues(t *testing.T) {
	seeds := readSeeds(t)
	ps := make([]query.Param, len(wechatNames))
	for i, n := range wechatNames {
		ps[i].Name = n
	}
	for _, raw := range seeds {
		allocs := testing.AllocsPerRun(100, func() { query.Scan(raw, ps) })
		assert.Zero(t, allocs, raw)
	}
	allocs := testing.AllocsPerRun(100, func() { query.Scan("n%6Fnce=a+b&nonce=c+d", ps) })
	assert.Equal(t, 1.0, allocs, "one string for the first, escaped value; none for the later one")
}

// FuzzScan is the differential test: for any raw query, Scan must find what
// url.ParseQuery finds, for the names WeChat uses, for every name
// url.ParseQuery sees in the input, and for the names the fuzzer adds.
func FuzzScan(f *testing.F) {
	for _, s := range readSeeds(f) {
		f.Add(s, "nonce")
	}
	f.Add("a=1&a=2;&%61=3&a=%&a+b=4&=5&a", "a")
	f.Add("x=%2&x=%zz&x=%41%42&x=++", "x")
	f.Add("=&&;&%3B=1", "")
	f.Fuzz(func(t *testing.T, raw, extra string) {
		names := append([]string{extra}, wechatNames...)
		q, _ := url.ParseQuery(raw)
		for name := range q {
			names = append(names, name)
		}
		got := scan(raw, names)
		want := viaURL(raw, names)
		for i := range names {
			if got[i] != want[i] {
				t.Fatalf("query %q, name %q: Scan gives %+v, url.ParseQuery %+v", raw, names[i], got[i], want[i])
			}
		}
	})
}

func BenchmarkScan(b *testing.B) {
	raw := readSeeds(b)[0]
	ps := make([]query.Param, len(wechatNames))
	for i, n := range wechatNames {
		ps[i].Name = n
	}
	b.ReportAllocs()
	for b.Loop() {
		query.Scan(raw, ps)
	}
}

func BenchmarkParseQuery(b *testing.B) {
	raw := readSeeds(b)[0]
	b.ReportAllocs()
	for b.Loop() {
		q, _ := url.ParseQuery(raw)
		for _, n := range wechatNames {
			_ = q.Get(n)
		}
	}
}

// TestScanLeavesLongQueriesToNetURL raises net/url's parameter limit: a query
// over the default limit must then parse, as it does for r.URL.Query().
func TestScanLeavesLongQueriesToNetURL(t *testing.T) {
	t.Setenv("GODEBUG", "urlmaxqueryparams=20000")
	raw := "nonce=1" + strings.Repeat("&", 10000)
	q, err := url.ParseQuery(raw)
	require.NoError(t, err, "the setting took effect")
	require.Equal(t, []string{"1"}, q["nonce"])
	assert.Equal(t, viaURL(raw, wechatNames), scan(raw, wechatNames))
	assert.Equal(t, "1", scan(raw, wechatNames)[2].Value)
}
