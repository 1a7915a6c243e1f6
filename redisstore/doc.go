// Package redisstore keeps on Redis what the instances of an Official
// Account's server share when several run behind one URL: the access
// token, the JS-SDK ticket, and which pushes were answered and with what.
// It is its own module, github.com/wxmp/wxmp/redisstore, so that the SDK
// itself depends on the standard library only; it uses
// github.com/redis/go-redis/v9.
//
// One [Store] per process serves every consumer:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	store := redisstore.New(rdb)
//
//	tokens, err := accesstoken.New(appID, appSecret, accesstoken.WithStore(store))
//	if err != nil {
//		return err
//	}
//	tickets, err := jssdk.New(appID, tokens, jssdk.WithStore(store))
//	if err != nil {
//		return err
//	}
//	srv, err := push.NewServer(token, mux, push.WithDedup(store))
//	if err != nil {
//		return err
//	}
//	http.Handle("/wechat", srv)
//
// # The access token and the JS-SDK ticket
//
// [Store.Load] and [Store.CompareAndSwap] implement accesstoken.Store and
// jssdk.Store. A value is a hash under the key the Source names
// ("wxmp:accesstoken:" or "wxmp:jsapi_ticket:" and the AppID) with the fields
// v (the value) and x (its expiry, Unix milliseconds, from the answer's
// expires_in); the key expires at that moment (PEXPIREAT). CompareAndSwap
// is one Lua script, so a process that fetched late never overwrites a newer
// token, and a 40001 reported with a token another process has already
// replaced deletes nothing.
//
// One fetch for all instances: [Store.Lock] implements accesstoken.Locker,
// a short lock (SET NX PX of a random token under the key plus ":lock",
// released by a Lua compare-and-delete, freed by itself after 15 s if its
// holder dies). A Source about to fetch takes it, looks in Redis again,
// and fetches only if no other instance saved a fresh token meanwhile.
// Why a lock rather than stable_token's idempotence alone (which is what a
// Store without Lock relies on, and which is safe): without it every
// instance that finds the token stale at the same moment makes its own
// request, ten instances ten requests at each expiry, and with
// cgi-bin/token (accesstoken.WithLegacyToken), which issues a new token on
// every request, those requests leave all but one instance on a token that
// dies 5 minutes later. With the lock it is one request per expiry,
// whichever endpoint, for the price of a round trip to Redis per fetch
// (every two hours). If the lock cannot be taken because Redis fails, the
// Source fetches without it.
//
// # Pushes
//
// [Store.Claim], [Store.Finish] and [Store.Wait] implement
// push.DedupStore. A push's entry is a string under "wxmp:push:" and the
// base64url SHA-256 of its dedupe key (hashed, so that Redis's key space
// holds no OpenID): "i" while a delivery runs the handler, then "f" and the
// plaintext reply XML, exactly as marshalled, never sealed (each delivery
// seals it afresh for its own timestamp and nonce). Claim is a SET NX PX,
// so among deliveries of one push to any number of instances exactly one
// runs the handler, and a new push costs one round trip; a delivery that
// finds the entry there reads it with a GET. Finish is a SET PX. A retry that meets an entry in flight polls it with GET (from 2 ms,
// doubling, up to every 50 ms) until it is finished or the retry's own
// deadline passes: such waits are rare (a retry comes 5 s after the first
// delivery, which the server answers within 4 s) and short, so polling
// costs Redis a few commands and needs no pub/sub connection.
//
// The expiries are the push server's: an entry in flight lives twice the
// handler timeout (8 s by default), which bounds how long an instance that
// died while running the handler blocks the push; a finished one lives
// push.DefaultDedupTTL (60 s), which covers WeChat's three retries, about
// 5 s apart, several times over.
//
// Replies are stored in clear: give the Redis the protection the pushes
// themselves need.
//
// # When Redis fails or is slow
//
// Every command has a timeout, DefaultTimeout (250 ms; [WithTimeout], at most
// MaxTimeout, 1 s), far shorter than the push server's 4-second handler
// deadline, enforced whatever the client's own settings. A command that
// fails or times out makes the Store leave Redis alone for RetryInterval
// (1 s), and is logged at most once per LogInterval (1 minute); the first
// command that succeeds afterwards logs that Redis answers again.
//
//   - Pushes are still answered, never with a 5xx: Claim, Finish and Wait
//     turn to the process's memory, a push.MemoryStore (bounded by
//     DefaultMemoryMaxEntries and DefaultMemoryMaxBytes unless [WithMemory]
//     gives another), and return no error. That memory also holds the
//     replies this process finished while Redis was up, so retries that
//     reach the same process are still answered from it; a retry that
//     reaches another instance runs the handler again.
//   - Token and ticket calls return the error at once (ErrUnavailable while
//     Redis is left alone), and the Sources fetch by themselves and keep the
//     value in memory (accesstoken.Store says so), so API calls go on.
//
// # Redis deployments
//
// Every command and script touches one key, so a Redis Cluster
// (*redis.ClusterClient) works as well as one server; so does a failover
// (Sentinel) client. [WithPrefix] puts the keys of several applications
// into one Redis.
package redisstore
