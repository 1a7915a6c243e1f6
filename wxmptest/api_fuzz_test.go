package wxmptest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxmp/wxmp/wxmptest"
)

// FuzzAPIServerBodies posts any bytes to every POST endpoint of the API
// fake: it must answer HTTP 200 with a JSON object every time, never
// panic, and never accept a body that is not a JSON object.
func FuzzAPIServerBodies(f *testing.F) {
	for _, s := range []string{
		`{"touser":"oWxmpTest0000000000000000001","msgtype":"text","text":{"content":"hi"}}`,
		`{"touser":"oWxmpTest0000000000000000001","command":"Typing"}`,
		`{"button":[{"type":"click","name":"a","key":"k"},{"name":"m","sub_button":[{"type":"view","name":"v","url":"http://a/"}]}]}`,
		`{"expire_seconds":60,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}`,
		`{"user_list":[{"openid":"oWxmpTest0000000000000000001","lang":"en"}]}`,
		`{"grant_type":"client_credential","appid":"wx0123456789abcdef","secret":"x","force_refresh":false}`,
		`{"touser":"oWxmpTest0000000000000000001","template_id":"x","data":{"a":{"value":"b"}}}`,
		`{"a":"\u4f60"}`, `{"Touser":"x"}`, `[]`, `null`, `{`, ``, `{"button":[{"sub_button":[{"sub_button":[{}]}]}]}`,
	} {
		f.Add([]byte(s))
	}
	s, err := wxmptest.NewUnstartedAPIServer()
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	token := s.Token()
	paths := []string{
		wxmptest.APIStableTokenPath, wxmptest.APICustomSendPath, wxmptest.APICustomTypingPath,
		wxmptest.APITemplateSendPath, wxmptest.APIMenuCreatePath, wxmptest.APIQRCodeCreatePath,
		wxmptest.APIUserInfoBatchGetPath, wxmptest.APIMediaUploadPath + "&type=image",
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range paths {
			path, query, _ := strings.Cut(p, "&")
			target := path + "?access_token=" + token
			if query != "" {
				target += "&" + query
			}
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
			var answer map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
				t.Fatalf("%s: answer is not a JSON object: %q", path, rec.Body.String())
			}
			var obj map[string]json.RawMessage
			if code, _ := answer["errcode"].(float64); code == 0 && json.Unmarshal(body, &obj) != nil {
				t.Fatalf("%s: accepted a body that is not a JSON object: %q", path, body)
			}
		}
	})
}
