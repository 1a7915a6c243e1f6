package wxmptest

import (
	"html/template"
	"net/http"
)

// apiPage is the fake's root page: what it was sent, per user. Every value
// goes through html/template, so a message cannot inject markup.
var apiPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wxmptest: WeChat API fake</title>
<style>body{font-family:sans-serif;margin:2em}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5em;margin:.2em 0 1em}</style>
</head><body>
<h1>wxmptest: a fake of WeChat's API</h1>
<p>AppID {{.AppID}}. Token requests: {{.TokenRequests}}.</p>
{{range .Users}}<h2>{{.OpenID}}</h2>
{{range .Records}}<p>{{.Time.Format "2006-01-02 15:04:05"}} {{.Path}} <b>{{.Kind}}</b>{{if .KFAccount}} as {{.KFAccount}}{{end}}{{if .MsgID}} msgid {{.MsgID}}{{end}}</p>
<pre>{{printf "%s" .Body}}</pre>
{{end}}{{else}}<p>Nothing sent yet.</p>
{{end}}</body></html>
`))

// apiPageUser is one user's section of the page.
type apiPageUser struct {
	OpenID  string
	Records []APIRecord
}

// servePage shows what the fake accepted, grouped by OpenID in the order
// users first appear.
func (s *APIServer) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	data := struct {
		AppID         string
		TokenRequests int
		Users         []apiPageUser
	}{AppID: s.appID, TokenRequests: s.calls[APIStableTokenPath] + s.calls[APITokenPath]}
	index := map[string]int{}
	for _, rec := range s.records {
		i, ok := index[rec.OpenID]
		if !ok {
			i = len(data.Users)
			index[rec.OpenID] = i
			data.Users = append(data.Users, apiPageUser{OpenID: rec.OpenID})
		}
		data.Users[i].Records = append(data.Users[i].Records, rec)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_ = apiPage.Execute(w, data)
}
