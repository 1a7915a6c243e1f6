package event

import (
	"strconv"
	"strings"

	"github.com/wxmp/wxmp/internal/wire"
)

// Results of asynchronous jobs: template messages, mass sends and article
// publishing. Note the wire name "MsgID" (capital D) in the first two,
// unlike the "MsgId" of normal messages.

// Names of the job-result events, exactly as WeChat writes them.
const (
	NameTemplateSendJobFinish = "TEMPLATESENDJOBFINISH"
	NameMassSendJobFinish     = "MASSSENDJOBFINISH"
	NamePublishJobFinish      = "PUBLISHJOBFINISH"
	// NameFreePublishJobFinish is the name the XML example of the
	// official publish callback page uses, while the page's table and the
	// pushes developers report say PUBLISHJOBFINISH. Both parse as
	// [PublishJobFinish].
	NameFreePublishJobFinish = "FREEPUBLISHJOBFINISH"
)

// Values of [TemplateSendJobFinish].Status. Mind the space after the colon
// in the last one, which the first lacks.
const (
	TemplateStatusSuccess      = "success"
	TemplateStatusUserBlock    = "failed:user block"
	TemplateStatusSystemFailed = "failed: system failed"
)

// TemplateSendJobFinish reports the delivery of one template message
// (Event "TEMPLATESENDJOBFINISH"). MsgID (wire name "MsgID") is the msgid
// the send API returned. Status is one of the TemplateStatus… values:
// delivered, refused because the user blocks the account's template
// messages, or failed for another reason.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
type TemplateSendJobFinish struct {
	Header
	Event  string `xml:"Event"`
	MsgID  int64  `xml:"MsgID"`
	Status string `xml:"Status"`
}

// Succeeded reports whether the message was delivered (Status "success",
// ignoring surrounding white space and ASCII case).
func (e *TemplateSendJobFinish) Succeeded() bool {
	return wire.EqualFold(strings.TrimSpace(e.Status), TemplateStatusSuccess)
}

// Values of [MassSendJobFinish].Status other than "err(N)".
const (
	MassSendStatusSuccess = "send success"
	MassSendStatusFail    = "send fail"
)

// MassSendErr is the N of a [MassSendJobFinish] Status "err(N)": why the
// review stopped a mass send. The documented values have constants; WeChat
// also sends others (such as 30003, from the originality check).
//
// See https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Batch_Sends_and_Originality_Checks.html
type MassSendErr int

// Documented review failures of a mass send.
const (
	MassSendErrAds       MassSendErr = 10001 // suspected advertising
	MassSendErrPolitics  MassSendErr = 20001 // suspected political content
	MassSendErrPorn      MassSendErr = 20002 // suspected pornography
	MassSendErrSociety   MassSendErr = 20004 // suspected harmful social content
	MassSendErrCrime     MassSendErr = 20006 // suspected illegal or criminal content
	MassSendErrFraud     MassSendErr = 20008 // suspected fraud
	MassSendErrCopyright MassSendErr = 20013 // suspected copyright infringement
	MassSendErrOther     MassSendErr = 21000 // suspected other violation
	MassSendErrPromotion MassSendErr = 22000 // suspected mutual promotion
)

// String gives the documented meaning of e, or "err(N)" for a code without
// a documented meaning.
func (e MassSendErr) String() string {
	switch e {
	case MassSendErrAds:
		return "advertising"
	case MassSendErrPolitics:
		return "political content"
	case MassSendErrPorn:
		return "pornography"
	case MassSendErrSociety:
		return "harmful social content"
	case MassSendErrCrime:
		return "illegal or criminal content"
	case MassSendErrFraud:
		return "fraud"
	case MassSendErrCopyright:
		return "copyright infringement"
	case MassSendErrOther:
		return "other violation"
	case MassSendErrPromotion:
		return "mutual promotion"
	}
	return "err(" + strconv.Itoa(int(e)) + ")"
}

// MassSendJobFinish reports the end of a mass send (群发; Event
// "MASSSENDJOBFINISH").
//
// MsgID (wire name "MsgID") is the msg_id the send API returned. Status is
// "send success", "send fail" or "err(N)" when the review stopped the send;
// [MassSendJobFinish.Succeeded] and [MassSendJobFinish.ErrCode] read it.
// TotalCount is the number of followers targeted, FilterCount those left
// after filtering (in principle SentCount + ErrorCount), SentCount those
// the send reached and ErrorCount those it failed for.
//
// CopyrightCheckResult is the originality check of the articles and
// ArticleURLResult (wire name "ArticleUrlResult") the URLs of the articles
// sent; either may be absent, leaving its zero value.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Batch_Sends_and_Originality_Checks.html
type MassSendJobFinish struct {
	Header
	Event                string               `xml:"Event"`
	MsgID                int64                `xml:"MsgID"`
	Status               string               `xml:"Status"`
	TotalCount           int                  `xml:"TotalCount"`
	FilterCount          int                  `xml:"FilterCount"`
	SentCount            int                  `xml:"SentCount"`
	ErrorCount           int                  `xml:"ErrorCount"`
	CopyrightCheckResult CopyrightCheckResult `xml:"CopyrightCheckResult"`
	ArticleURLResult     ArticleURLResult     `xml:"ArticleUrlResult"`
}

// Succeeded reports whether Status is "send success" (ignoring surrounding
// white space and ASCII case).
func (e *MassSendJobFinish) Succeeded() bool {
	return wire.EqualFold(strings.TrimSpace(e.Status), MassSendStatusSuccess)
}

// ErrCode returns N when Status has the form "err(N)", and ok false for any
// other Status ("send success", "send fail", or something unexpected).
func (e *MassSendJobFinish) ErrCode() (code MassSendErr, ok bool) {
	s := strings.TrimSpace(e.Status)
	if len(s) < len("err()") || !wire.EqualFold(s[:4], "err(") || s[len(s)-1] != ')' {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s[4 : len(s)-1]))
	if err != nil {
		return 0, false
	}
	return MassSendErr(n), true
}

// CopyrightCheckResult is the originality (原创) check of a mass send.
// CheckState is the overall verdict: 1 not a reprint, may be sent; 2 a
// reprint, may be sent; 3 a reprint, may not be sent.
type CopyrightCheckResult struct {
	Count      int             `xml:"Count"`
	ResultList []CopyrightItem `xml:"ResultList>item"`
	CheckState int             `xml:"CheckState"`
}

// CopyrightItem is the originality check of one article.
type CopyrightItem struct {
	// ArticleIdx is the article's position in the send, from 1.
	ArticleIdx int `xml:"ArticleIdx"`
	// UserDeclareState is whether the sender declared the article original.
	UserDeclareState int `xml:"UserDeclareState"`
	// AuditState is the check's verdict on the article.
	AuditState int `xml:"AuditState"`
	// OriginalArticleURL (wire name "OriginalArticleUrl") is the original
	// this article was found to copy.
	OriginalArticleURL  string `xml:"OriginalArticleUrl"`
	OriginalArticleType int    `xml:"OriginalArticleType"`
	// CanReprint is 1 when the original may be reprinted.
	CanReprint int `xml:"CanReprint"`
	// NeedReplaceContent is 1 when the content is to be replaced by the
	// original's.
	NeedReplaceContent int `xml:"NeedReplaceContent"`
	// NeedShowReprintSource is 1 when the reprint source must be shown.
	NeedShowReprintSource int `xml:"NeedShowReprintSource"`
}

// ArticleURLResult lists the URLs of the articles a mass send published.
type ArticleURLResult struct {
	Count      int              `xml:"Count"`
	ResultList []ArticleURLItem `xml:"ResultList>item"`
}

// ArticleURLItem is the URL of one article of a mass send.
type ArticleURLItem struct {
	// ArticleIdx is the article's position in the send, from 1.
	ArticleIdx int `xml:"ArticleIdx"`
	// ArticleURL (wire name "ArticleUrl").
	ArticleURL string `xml:"ArticleUrl"`
}

// PublishStatus is the outcome of a publish job
// ([PublishEventInfo].PublishStatus, wire name "publish_status").
//
// See https://developers.weixin.qq.com/doc/offiaccount/Publish/Callback_on_finish.html
type PublishStatus int

// Documented values of [PublishStatus].
const (
	PublishSucceeded      PublishStatus = 0 // published
	PublishPublishing     PublishStatus = 1 // still publishing
	PublishOriginalFailed PublishStatus = 2 // the originality declaration failed
	PublishFailed         PublishStatus = 3 // failed (general failure)
	PublishAuditFailed    PublishStatus = 4 // refused by the platform's review
	PublishDeletedByUser  PublishStatus = 5 // published, then every article deleted by the account
	PublishBannedBySystem PublishStatus = 6 // published, then every article banned by the platform
)

// String gives the documented meaning of s, or "publish_status N" for an
// undocumented value.
func (s PublishStatus) String() string {
	switch s {
	case PublishSucceeded:
		return "published"
	case PublishPublishing:
		return "publishing"
	case PublishOriginalFailed:
		return "originality declaration failed"
	case PublishFailed:
		return "failed"
	case PublishAuditFailed:
		return "refused by review"
	case PublishDeletedByUser:
		return "deleted by the account after publishing"
	case PublishBannedBySystem:
		return "banned by the platform after publishing"
	}
	return "publish_status " + strconv.Itoa(int(s))
}

// PublishJobFinish reports the end of an article publish job (发布; Event
// "PUBLISHJOBFINISH", or "FREEPUBLISHJOBFINISH" as the official page's
// example writes it; Event keeps the name as it arrived). Its FromUserName
// is the publishing assistant's account, "mphelper", not a user.
//
// See https://developers.weixin.qq.com/doc/offiaccount/Publish/Callback_on_finish.html
type PublishJobFinish struct {
	Header
	Event            string           `xml:"Event"`
	PublishEventInfo PublishEventInfo `xml:"PublishEventInfo"`
}

// Succeeded reports whether the job published its articles.
func (e *PublishJobFinish) Succeeded() bool {
	return e.PublishEventInfo.PublishStatus == PublishSucceeded
}

// PublishEventInfo is the result of a publish job. Its wire names are lower
// snake case, unlike the rest of the push.
type PublishEventInfo struct {
	// PublishID is the publish_id the submit API returned.
	PublishID     string        `xml:"publish_id"`
	PublishStatus PublishStatus `xml:"publish_status"`
	// ArticleID identifies the published articles, on success.
	ArticleID     string        `xml:"article_id"`
	ArticleDetail ArticleDetail `xml:"article_detail"`
	// FailIdx lists the positions (from 1) of the articles that failed,
	// sent only with PublishOriginalFailed or PublishAuditFailed.
	FailIdx []int `xml:"fail_idx"`
}

// ArticleDetail lists the published articles.
type ArticleDetail struct {
	Count int                 `xml:"count"`
	Items []ArticleDetailItem `xml:"item"`
}

// ArticleDetailItem is one published article.
type ArticleDetailItem struct {
	// Idx is the article's position, from 1.
	Idx int `xml:"idx"`
	// ArticleURL (wire name "article_url").
	ArticleURL string `xml:"article_url"`
}
