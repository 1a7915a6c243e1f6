// Package benchmarks compares wxmp with the two most used Go SDKs for
// WeChat Official Accounts, github.com/chanxuehong/wechat (its mp/core
// Server) and github.com/silenceper/wechat/v2 (its officialaccount server),
// on the same push: a 309-byte text message (PushXML), answered with a text
// reply that echoes its Content, in plain and in safe mode, with the same
// token, EncodingAESKey and AppID.
//
// Each SDK's handler is built from its public API the way its documentation
// shows (see Chanxuehong, Silenceper and Wxmp). Every iteration makes a new
// httptest request and recorder and calls ServeHTTP; Baseline is that
// plumbing alone. Each iteration sends a different push (a Feed: PushXML
// with a MsgId of its own), as a busy account gets them, so that an SDK that
// recognizes WeChat's retries does the whole work every time rather than
// answering from its cache. Before timing, every benchmark checks that the
// answer is one WeChat would accept (CheckEcho), so that the comparison is
// like for like.
//
// Command load (cmd/load) sends the same pushes to the same handlers served
// by net/http on loopback TCP, from a client in another process, and
// measures throughput, latency and the server's CPU time per push beside a
// bare net/http server.
//
// This is a module of its own, with a replace directive to the wxmp module
// beside it, so that wxmp's users never download the other SDKs. From this
// directory:
//
//	go test -bench . -benchmem   # BenchmarkPush/<mode>/<sdk> and the baseline
//	go run ./cmd/table           # the same in one process, as a markdown table
//	go run ./cmd/load            # real HTTP servers under load, as a markdown table
package benchmarks
