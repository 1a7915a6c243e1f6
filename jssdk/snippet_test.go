package jssdk_test

import (
	"encoding/json"
	"net/http"

	"github.com/wxmp/wxmp/accesstoken"
	"github.com/wxmp/wxmp/jssdk"
)

// docSnippet is the snippet of the package comment (doc.go), compiled so
// that it cannot drift from the API. It is not run: the access token
// source it builds would call WeChat. The root package's TestSnippets
// finds it here.
func docSnippet(mux *http.ServeMux, appID, appSecret string) error {
	tokens, err := accesstoken.New(appID, appSecret)
	if err != nil {
		return err
	}
	js, err := jssdk.New(appID, tokens)
	if err != nil {
		return err
	}
	// … in the handler of a JSON endpoint the page calls with its location.href:
	mux.HandleFunc("GET /jssdk-config", func(w http.ResponseWriter, r *http.Request) {
		cfg, err := js.Config(r.Context(), r.FormValue("url"))
		if err != nil {
			http.Error(w, "cannot sign this page", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(cfg) // {"appId","timestamp","nonceStr","signature"}
	})
	return nil
}

var _ = docSnippet
