package wxmptest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// apiMaxJSONBytes is the most the fake reads of a JSON request body.
const apiMaxJSONBytes = 1 << 20

// apiEndpoint is one path of the fake.
type apiEndpoint struct {
	path   string
	method string // http.MethodGet or http.MethodPost
	// serve answers an accepted call: with s.mu NOT held (it takes it as it
	// needs), after the fault and token checks. It returns the JSON value
	// to send, an apiError, or an apiRaw.
	serve func(r *http.Request, q url.Values, token string) any
}

// apiError is an errcode answer; msg empty means WeChat's text for code.
type apiError struct {
	code int
	msg  string
}

// apiRaw is an answer that is not JSON: a media file or a QR code image.
type apiRaw struct {
	status      int
	contentType string
	header      map[string]string
	body        []byte
}

// apiErrorJSON is WeChat's error body.
type apiErrorJSON struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// apiOK is the body of a call that succeeds without data.
var apiOK = apiErrorJSON{ErrCode: 0, ErrMsg: "ok"}

// apiErrMsgs are the errmsg texts of the errcodes the fake sends, as WeChat
// writes them (typos included).
var apiErrMsgs = map[int]string{
	-1:    "system error",
	40001: "invalid credential, access_token is invalid or not latest",
	40002: "invalid grant_type",
	40003: "invalid openid",
	40004: "invalid media type",
	40005: "invalid file type",
	40006: "invalid meida size",
	40007: "invalid media_id",
	40008: "invalid message type",
	40013: "invalid appid",
	40014: "invalid access_token",
	40016: "invalid button size",
	40017: "invalid button type",
	40018: "invalid button name size",
	40019: "invalid button key size",
	40020: "invalid button url size",
	40023: "invalid sub button size",
	40024: "invalid sub button type",
	40025: "invalid sub button name size",
	40026: "invalid sub button key size",
	40027: "invalid sub button url size",
	40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
	40037: "invalid template_id",
	40052: "invalid action name",
	40053: "invalid action info",
	40097: "invalid args",
	40125: "invalid appsecret",
	40164: "invalid ip, not in whitelist",
	40243: "AppSecret has been frozen, please unfreeze it in the MP console",
	41001: "access_token missing",
	41002: "appid missing",
	41004: "appsecret missing",
	41005: "media data missing",
	41006: "media_id missing",
	41009: "missing openid",
	42001: "access_token expired",
	43001: "require GET method",
	43002: "require POST method",
	43004: "require subscribe",
	44002: "empty post data",
	44003: "empty news data",
	44004: "empty content",
	45001: "media size out of limit",
	45008: "article size out of limit",
	45009: "reach max api daily quota limit",
	45015: "response out of time limit or subscription is canceled",
	45047: "out of response count limit",
	45072: "command field value is invalid",
	46003: "menu no exist",
	47001: "data format error",
	48001: "api unauthorized",
	89503: "this call needs the administrator's confirmation, please wait",
}

// errBodyLocked builds an error body whose errmsg, like WeChat's, ends with
// a request id, so that clients do not match on the message.
func (s *APIServer) errBodyLocked(e apiError) apiErrorJSON {
	msg := e.msg
	if msg == "" {
		msg = apiErrMsgs[e.code]
	}
	if msg == "" {
		msg = "error"
	}
	s.rid++
	return apiErrorJSON{ErrCode: e.code, ErrMsg: fmt.Sprintf("%s rid: 77a7e57e-%08x-%08x", msg, s.rid, uint32(s.started.Unix()))}
}

// newAPIHandler routes the fake's paths; anything else is 404.
func (s *APIServer) newAPIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", s.servePage)
	mux.HandleFunc(apiVideoPath+"{id}", s.serveVideo)
	for _, e := range s.endpoints() {
		mux.Handle(e.path, s.route(e))
	}
	return mux
}

// endpoints lists every path the fake serves and how.
func (s *APIServer) endpoints() []apiEndpoint {
	return []apiEndpoint{
		{APIStableTokenPath, http.MethodPost, s.serveStableToken},
		{APITokenPath, http.MethodGet, s.serveLegacyToken},
		{APITicketPath, http.MethodGet, s.serveTicket},
		{APICustomSendPath, http.MethodPost, s.serveCustomSend},
		{APICustomTypingPath, http.MethodPost, s.serveTyping},
		{APITemplateSendPath, http.MethodPost, s.serveTemplateSend},
		{APITemplateListPath, http.MethodGet, s.serveTemplateList},
		{APIMenuCreatePath, http.MethodPost, s.serveMenuCreate},
		{APIMenuGetPath, http.MethodGet, s.serveMenuGet},
		{APIMenuDeletePath, http.MethodGet, s.serveMenuDelete},
		{APIMediaUploadPath, http.MethodPost, s.serveMediaUpload},
		{APIMediaGetPath, http.MethodGet, s.serveMediaGet},
		{APIQRCodeCreatePath, http.MethodPost, s.serveQRCodeCreate},
		{APIShowQRCodePath, http.MethodGet, s.serveShowQRCode},
		{APIUserInfoPath, http.MethodGet, s.serveUserInfo},
		{APIUserInfoBatchGetPath, http.MethodPost, s.serveUserInfoBatch},
		{APICallbackIPPath, http.MethodGet, s.serveCallbackIP},
	}
}

// route counts a call, plays a fault, checks the method and the token and
// then answers.
func (s *APIServer) route(e apiEndpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		token := q.Get("access_token")

		s.mu.Lock()
		s.calls[e.path]++
		f := s.takeFaultLocked(e.path)
		if f != nil && f.Rotate && token != "" {
			s.revokeLocked(token)
		}
		s.mu.Unlock()

		if f != nil {
			s.writeFault(w, r, f)
			return
		}
		if r.Method != e.method {
			code := 43002
			if e.method == http.MethodGet {
				code = 43001
			}
			s.write(w, apiError{code: code})
			return
		}
		if apiTakesToken(e.path) {
			s.mu.Lock()
			bad := s.checkTokenLocked(token)
			s.mu.Unlock()
			if bad != nil {
				s.write(w, *bad)
				return
			}
		}
		s.write(w, e.serve(r, q, token))
	})
}

// write sends an answer: JSON with HTTP 200, errors included, as WeChat
// does, or an apiRaw as it is.
func (s *APIServer) write(w http.ResponseWriter, v any) {
	switch a := v.(type) {
	case apiRaw:
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		status := a.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		_, _ = w.Write(a.body)
		return
	case apiError:
		s.mu.Lock()
		v = s.errBodyLocked(a)
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_, _ = w.Write(marshalOAuthJSON(v))
}

// writeFault sends a fault's answer.
func (s *APIServer) writeFault(w http.ResponseWriter, r *http.Request, f *APIFault) {
	status := f.Status
	switch {
	case status == 0:
		status = http.StatusOK
	case status < 200 || status > 599:
		status = http.StatusInternalServerError
	}
	if status >= 300 && status < 400 {
		w.Header().Set("Location", r.URL.Path+"?wxmptest_redirected=1")
	}
	switch {
	case f.Body != "":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
	case f.ErrCode != 0:
		msg := f.ErrMsg
		if msg == "" && f.ErrCode == 40164 {
			msg = whitelistMsg(r)
		}
		s.mu.Lock()
		body := s.errBodyLocked(apiError{code: f.ErrCode, msg: msg})
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(marshalOAuthJSON(body))
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, http.StatusText(status))
	}
}

// whitelistMsg is WeChat's 40164 text, which names the caller's address.
func whitelistMsg(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "invalid ip " + host + ", not in whitelist"
}

// readJSON reads a JSON request body into v, strictly: no unknown field,
// no wrong type, no trailing data, no \uXXXX escape. Empty is 44002.
func readJSON(r *http.Request, v any) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, apiMaxJSONBytes+1))
	if err != nil {
		return &apiError{code: -1}
	}
	if len(body) > apiMaxJSONBytes {
		return &apiError{code: 47001, msg: "data format error: body too large"}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &apiError{code: 44002}
	}
	if hasUnicodeEscape(body) {
		return &apiError{code: 40033}
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes one JSON value into v with no unknown field and
// nothing after it.
func decodeStrict(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &apiError{code: 47001, msg: "data format error: " + jsonProblem(err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &apiError{code: 47001, msg: "data format error: data after the JSON value"}
	}
	// encoding/json matches keys without regard to case; WeChat does not.
	if key := wrongCaseKey(body, reflect.TypeOf(v)); key != "" {
		return &apiError{code: 47001, msg: "data format error: unknown field " + strconv.Quote(key)}
	}
	return nil
}

// wrongCaseKey returns the first object key in body that names a field of
// t only when case is ignored, or "". body is already known to decode into
// t.
func wrongCaseKey(body []byte, t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return ""
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			fields[name] = f.Type
		}
		for k, v := range m {
			ft, ok := fields[k]
			if !ok {
				return k
			}
			if bad := wrongCaseKey(v, ft); bad != "" {
				return bad
			}
		}
	case reflect.Slice:
		var items []json.RawMessage
		if t.Elem().Kind() == reflect.Uint8 || json.Unmarshal(body, &items) != nil {
			return ""
		}
		for _, it := range items {
			if bad := wrongCaseKey(it, t.Elem()); bad != "" {
				return bad
			}
		}
	case reflect.Map:
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return ""
		}
		for _, v := range m {
			if bad := wrongCaseKey(v, t.Elem()); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// jsonProblem says what is wrong with a body, naming the field but not
// quoting values.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return "field " + strconv.Quote(te.Field) + " must be " + te.Type.String()
	case errors.As(err, &se):
		return "not JSON at offset " + strconv.FormatInt(se.Offset, 10)
	}
	// json: unknown field "x" — the field's name comes from the client.
	return err.Error()
}

// hasUnicodeEscape reports whether a JSON text has a \uXXXX escape for a
// character that could be sent as is: WeChat rejects those with 40033.
// Control characters, which JSON requires escaped, are allowed.
func hasUnicodeEscape(b []byte) bool {
	for i := 0; i+5 < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if b[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		if err == nil && n >= 0x20 {
			return true
		}
		i += 5
	}
	return false
}

// checkTokenLocked checks a call's access_token: nil if it works now.
func (s *APIServer) checkTokenLocked(token string) *apiError {
	t := s.tokens[token]
	switch {
	case token == "":
		return &apiError{code: 41001}
	case t == nil || t.revoked:
		return &apiError{code: 40001}
	case !s.nowLocked().Before(t.expires):
		return &apiError{code: 42001}
	}
	return nil
}

// revokeLocked makes a token answer 40001 from now on.
func (s *APIServer) revokeLocked(token string) {
	t := s.tokens[token]
	if t == nil {
		return
	}
	t.revoked = true
	if s.stable == t {
		s.stable = nil
	}
	if s.legacy == t {
		s.legacy = nil
	}
}

// seconds is d in whole seconds, rounded down, at least 0.
func seconds(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / time.Second)
}
