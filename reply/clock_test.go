package reply

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// FixedCreateTime is what every builder stamps in this test binary: five
// seconds after the captured text push in testdata/wechatpy_text.xml.
const FixedCreateTime = 1348831865

// realNow keeps the production clock for TestDefaultClock.
var realNow = timeNow

// TestMain fixes the clock once, before any test runs, so that tests can
// run in parallel without touching timeNow again.
func TestMain(m *testing.M) {
	timeNow = func() time.Time { return time.Unix(FixedCreateTime, 0) }
	os.Exit(m.Run())
}

// TestDefaultClock checks that, outside tests, replies are stamped with
// the current time.
func TestDefaultClock(t *testing.T) {
	t.Parallel()
	before := time.Now().Unix()
	got := realNow().Unix()
	after := time.Now().Unix()
	assert.GreaterOrEqual(t, got, before)
	assert.LessOrEqual(t, got, after)
}
