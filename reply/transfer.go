package reply

import "github.com/wxmp/wxmp/message"

// TransferCustomerService hands the user's message to the customer-service
// (客服) system instead of answering it (MsgType
// "transfer_customer_service"). KfAccount, when set, names the one agent
// ("account@wechat_id") to receive it; empty lets WeChat pick any agent, and
// leaves the <TransInfo> element out.
//
// Forward only messages the user sent, never events. While a session with an
// agent is open, the user's messages go to the agent rather than to the
// server URL; WeChat resumes pushing them to the server URL if the agent
// does not close the session within 30 minutes.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Customer_Service/Forwarding_of_messages_to_service_center.html
type TransferCustomerService struct {
	Header
	KfAccount string
}

// NewTransferCustomerService returns a reply to in that forwards it to the
// customer-service agent kfAccount, or to any agent when kfAccount is "".
// Problems are reported by Marshal.
func NewTransferCustomerService(in message.Message, kfAccount string) *TransferCustomerService {
	return &TransferCustomerService{Header: addressTo(in), KfAccount: kfAccount}
}

// Marshal returns the reply as XML. Errors wrap ErrMissingField (no
// ToUserName or FromUserName) or ErrInvalidChar.
func (r *TransferCustomerService) Marshal() ([]byte, error) {
	if err := r.check(field{name: "TransInfo.KfAccount", value: r.KfAccount}); err != nil {
		return nil, err
	}
	return r.appendTo(make([]byte, 0, r.size())), nil
}

// size and appendTo leave <TransInfo> out when KfAccount is "".
func (r *TransferCustomerService) size() int {
	n := r.Header.size(typeTransfer) + len("</xml>")
	if r.KfAccount != "" {
		n += len("<TransInfo></TransInfo>") + elemLen("KfAccount", r.KfAccount)
	}
	return n
}

func (r *TransferCustomerService) appendTo(b []byte) []byte {
	b = r.Header.appendTo(b, typeTransfer)
	if r.KfAccount != "" {
		b = append(b, "<TransInfo>"...)
		b = appendElem(b, "KfAccount", r.KfAccount)
		b = append(b, "</TransInfo>"...)
	}
	return append(b, "</xml>"...)
}
