package wxmptest

// OAuthEntries is what an OAuthServer keeps, counted for tests that hold
// it bounded.
type OAuthEntries struct {
	Codes, Logins, AccessTokens, Secrets int
}

// SetOAuthLimits sets how many codes and logins s keeps at most, in
// place of OAuthMaxCodes and OAuthMaxLogins, for tests that reach the
// limits quickly.
func SetOAuthLimits(s *OAuthServer, codes, logins int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxCodes, s.maxLogins = codes, logins
}

// CountOAuthEntries counts what s keeps: each index and the queue beside
// it must agree.
func CountOAuthEntries(s *OAuthServer) OAuthEntries {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.codes) != s.codeQueue.len() || len(s.grants) != s.loginQueue.len() {
		panic("wxmptest: an index and its queue disagree")
	}
	return OAuthEntries{
		Codes:        len(s.codes),
		Logins:       len(s.grants),
		AccessTokens: len(s.tokens),
		Secrets:      s.recent.n,
	}
}
