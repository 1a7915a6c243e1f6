package api

import (
	"context"
	"encoding/json"
	"fmt"
)

// CallbackService tells where WeChat's pushes come from, for a server that
// allow-lists them.
type CallbackService service

const callbackIPPath = "/cgi-bin/getcallbackip"

// IPs returns the addresses WeChat pushes to the server URL from: IPv4
// addresses and CIDR blocks ("101.226.103.0/25") as WeChat writes them.
// They change; refresh the list about daily rather than pinning it.
//
// See https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Get_the_WeChat_server_IP_address.html
func (s *CallbackService) IPs(ctx context.Context) ([]string, error) {
	var body json.RawMessage
	if err := s.c.getJSON(ctx, callbackIPPath, nil, &body); err != nil {
		return nil, err
	}
	return decodeIPs(body)
}

// decodeIPs decodes a getcallbackip answer.
func decodeIPs(body []byte) ([]string, error) {
	var a struct {
		IPList []string `json:"ip_list"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResponse, err)
	}
	if a.IPList == nil {
		return nil, fmt.Errorf("%w: no ip_list in the answer", ErrInvalidResponse)
	}
	return a.IPList, nil
}
