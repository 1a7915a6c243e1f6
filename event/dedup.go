package event

import "github.com/wxmp/wxmp/internal/wire"

// EventName and DedupKey of every event type, in the order of registry.go.
// Each key starts with the fields eventKey writes (the header here is
// ToUserName, FromUserName and CreateTime); the rest, listed in each
// DedupKey's comment, are those that tell two events of one sender in one
// second apart.

// eventKey writes the fields every event's key starts with: "e", the
// header's ToUserName, FromUserName and CreateTime, the event name as it
// arrived, and EventKey ("" for a type without one).
func eventKey(k *wire.Key, h *Header, name, eventKey string) {
	k.Str("e")
	k.Str(h.ToUserName)
	k.Str(h.FromUserName)
	k.Int(h.CreateTime)
	k.Str(name)
	k.Str(eventKey)
}

// EventName returns Event, the name as it arrived.
func (e *Subscribe) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey and Ticket.
func (e *Subscribe) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.Ticket)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *Unsubscribe) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header and Event.
func (e *Unsubscribe) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *Scan) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey and Ticket.
func (e *Scan) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.Ticket)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *Location) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, Latitude, Longitude and Precision.
func (e *Location) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Float(e.Latitude)
		k.Float(e.Longitude)
		k.Float(e.Precision)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *Click) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and EventKey.
func (e *Click) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *View) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey and MenuID.
func (e *View) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.MenuID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *ViewMiniProgram) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey and MenuID.
func (e *ViewMiniProgram) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.MenuID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *ScanCodePush) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, ScanCodeInfo.ScanType and ScanCodeInfo.ScanResult.
func (e *ScanCodePush) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.ScanCodeInfo.ScanType)
		k.Str(e.ScanCodeInfo.ScanResult)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *ScanCodeWaitMsg) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, ScanCodeInfo.ScanType and ScanCodeInfo.ScanResult.
func (e *ScanCodeWaitMsg) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Str(e.ScanCodeInfo.ScanType)
		k.Str(e.ScanCodeInfo.ScanResult)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *PicSysPhoto) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, SendPicsInfo.Count and each PicList item's PicMD5Sum.
func (e *PicSysPhoto) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		picsKey(&k, &e.SendPicsInfo)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *PicPhotoOrAlbum) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, SendPicsInfo.Count and each PicList item's PicMD5Sum.
func (e *PicPhotoOrAlbum) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		picsKey(&k, &e.SendPicsInfo)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *PicWeixin) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, SendPicsInfo.Count and each PicList item's PicMD5Sum.
func (e *PicWeixin) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		picsKey(&k, &e.SendPicsInfo)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *LocationSelect) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, EventKey, SendLocationInfo.LocationX, SendLocationInfo.LocationY, SendLocationInfo.Scale, SendLocationInfo.Label and SendLocationInfo.PoiName.
func (e *LocationSelect) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, e.EventKey)
		k.Float(e.SendLocationInfo.LocationX)
		k.Float(e.SendLocationInfo.LocationY)
		k.Float(e.SendLocationInfo.Scale)
		k.Str(e.SendLocationInfo.Label)
		k.Str(e.SendLocationInfo.PoiName)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *TemplateSendJobFinish) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, MsgID and Status.
func (e *TemplateSendJobFinish) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.MsgID))
		k.Str(e.Status)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *MassSendJobFinish) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, MsgID and Status.
func (e *MassSendJobFinish) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.MsgID))
		k.Str(e.Status)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *PublishJobFinish) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, PublishEventInfo.PublishID and PublishEventInfo.PublishStatus.
func (e *PublishJobFinish) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.PublishEventInfo.PublishID)
		k.Int(int64(e.PublishEventInfo.PublishStatus))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *SubscribeMsgPopup) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and each List item.
func (e *SubscribeMsgPopup) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(len(e.List)))
		for _, i := range e.List {
			k.Str(i.TemplateID)
			k.Str(i.SubscribeStatusString)
			k.Int(int64(i.PopupScene))
		}
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *SubscribeMsgChange) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and each List item.
func (e *SubscribeMsgChange) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(len(e.List)))
		for _, i := range e.List {
			k.Str(i.TemplateID)
			k.Str(i.SubscribeStatusString)
		}
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *SubscribeMsgSent) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and each List item.
func (e *SubscribeMsgSent) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(len(e.List)))
		for _, i := range e.List {
			k.Str(i.TemplateID)
			k.Int(i.MsgID)
			k.Int(int64(i.ErrorCode))
			k.Str(i.ErrorStatus)
		}
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *KfCreateSession) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and KfAccount.
func (e *KfCreateSession) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KfAccount)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *KfCloseSession) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and KfAccount.
func (e *KfCloseSession) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KfAccount)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *KfSwitchSession) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, FromKfAccount and ToKfAccount.
func (e *KfSwitchSession) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.FromKfAccount)
		k.Str(e.ToKfAccount)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *CardPassCheck) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and CardID.
func (e *CardPassCheck) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *CardNotPassCheck) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID and RefuseReason.
func (e *CardNotPassCheck) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.RefuseReason)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserGetCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode, OldUserCardCode, FriendUserName, OuterID and OuterStr.
func (e *UserGetCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Str(e.OldUserCardCode)
		k.Str(e.FriendUserName)
		k.Int(int64(e.OuterID))
		k.Str(e.OuterStr)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserGiftingCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode, FriendUserName and IsReturnBack.
func (e *UserGiftingCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Str(e.FriendUserName)
		k.Int(int64(e.IsReturnBack))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserDelCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID and UserCardCode.
func (e *UserDelCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserConsumeCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode, ConsumeSource, StaffOpenID and OuterStr.
func (e *UserConsumeCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Str(e.ConsumeSource)
		k.Str(e.StaffOpenID)
		k.Str(e.OuterStr)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserPayFromPayCell) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode and TransID.
func (e *UserPayFromPayCell) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Str(e.TransID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserViewCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode and OuterStr.
func (e *UserViewCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Str(e.OuterStr)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserEnterSessionFromCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID and UserCardCode.
func (e *UserEnterSessionFromCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UpdateMemberCard) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, UserCardCode, ModifyBonus and ModifyBalance.
func (e *UpdateMemberCard) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
		k.Int(int64(e.ModifyBonus))
		k.Int(int64(e.ModifyBalance))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *CardSkuRemind) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID and Detail.
func (e *CardSkuRemind) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.Detail)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *CardPayOrder) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, OrderID and Status.
func (e *CardPayOrder) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.OrderID)
		k.Str(e.Status)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *SubmitMemberCardUserInfo) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID and UserCardCode.
func (e *SubmitMemberCardUserInfo) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.UserCardCode)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *GiftCardPayDone) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, PageID and OrderID.
func (e *GiftCardPayDone) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.PageID)
		k.Str(e.OrderID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *GiftCardSendToFriend) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, PageID, OrderID, IsChatRoom and IsReturnBack.
func (e *GiftCardSendToFriend) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.PageID)
		k.Str(e.OrderID)
		k.Bool(e.IsChatRoom)
		k.Bool(e.IsReturnBack)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *GiftCardUserAccept) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, PageID and OrderID.
func (e *GiftCardUserAccept) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.PageID)
		k.Str(e.OrderID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *QualificationVerifySuccess) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and ExpiredTime.
func (e *QualificationVerifySuccess) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.ExpiredTime))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *QualificationVerifyFail) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, FailTime and FailReason.
func (e *QualificationVerifyFail) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.FailTime))
		k.Str(e.FailReason)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *NamingVerifySuccess) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and ExpiredTime.
func (e *NamingVerifySuccess) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.ExpiredTime))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *NamingVerifyFail) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, FailTime and FailReason.
func (e *NamingVerifyFail) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.FailTime))
		k.Str(e.FailReason)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *AnnualRenew) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and ExpiredTime.
func (e *AnnualRenew) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.ExpiredTime))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *VerifyExpired) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and ExpiredTime.
func (e *VerifyExpired) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.ExpiredTime))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserInfoModified) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, OpenID, UnionID, AppID, PluginID and OpenPID.
func (e *UserInfoModified) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.OpenID)
		k.Str(e.UnionID)
		k.Str(e.AppID)
		k.Str(e.PluginID)
		k.Str(e.OpenPID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserAuthorizationRevoke) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, OpenID, UnionID, AppID, RevokeInfo, PluginID and OpenPID.
func (e *UserAuthorizationRevoke) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.OpenID)
		k.Str(e.UnionID)
		k.Str(e.AppID)
		k.Str(e.RevokeInfo)
		k.Str(e.PluginID)
		k.Str(e.OpenPID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserAuthorizationCancellation) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, OpenID, UnionID, AppID, PluginID and OpenPID.
func (e *UserAuthorizationCancellation) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.OpenID)
		k.Str(e.UnionID)
		k.Str(e.AppID)
		k.Str(e.PluginID)
		k.Str(e.OpenPID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *PoiCheckNotify) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, UniqID, PoiID and Result.
func (e *PoiCheckNotify) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.UniqID)
		k.Str(e.PoiID)
		k.Str(e.Result)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *WifiConnected) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, ConnectTime, ShopID, PlaceID and DeviceNo.
func (e *WifiConnected) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.ConnectTime))
		k.Str(e.ShopID)
		k.Str(e.PlaceID)
		k.Str(e.DeviceNo)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *ShakearoundUserShake) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, ChosenBeacon.UUID, ChosenBeacon.Major, ChosenBeacon.Minor and ChosenBeacon.Distance.
func (e *ShakearoundUserShake) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.ChosenBeacon.UUID)
		k.Str(e.ChosenBeacon.Major)
		k.Str(e.ChosenBeacon.Minor)
		k.Float(e.ChosenBeacon.Distance)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *MerchantOrder) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, OrderID and OrderStatus.
func (e *MerchantOrder) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.OrderID)
		k.Int(int64(e.OrderStatus))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserScanProduct) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, KeyStandard, KeyStr, ExtInfo and Scene.
func (e *UserScanProduct) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KeyStandard)
		k.Str(e.KeyStr)
		k.Str(e.ExtInfo)
		k.Int(int64(e.Scene))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserScanProductEnterSession) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, KeyStandard, KeyStr and ExtInfo.
func (e *UserScanProductEnterSession) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KeyStandard)
		k.Str(e.KeyStr)
		k.Str(e.ExtInfo)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserScanProductAsync) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, KeyStandard, KeyStr, ExtInfo and RegionCode.
func (e *UserScanProductAsync) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KeyStandard)
		k.Str(e.KeyStr)
		k.Str(e.ExtInfo)
		k.Str(e.RegionCode)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserScanProductVerifyAction) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, KeyStandard, KeyStr and Result.
func (e *UserScanProductVerifyAction) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.KeyStandard)
		k.Str(e.KeyStr)
		k.Str(e.Result)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UserAuthorizeInvoice) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, SuccOrderID, FailOrderID, AuthorizeAppID and AppID.
func (e *UserAuthorizeInvoice) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.SuccOrderID)
		k.Str(e.FailOrderID)
		k.Str(e.AuthorizeAppID)
		k.Str(e.AppID)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *UpdateInvoiceStatus) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, CardID, Code and Status.
func (e *UpdateInvoiceStatus) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.CardID)
		k.Str(e.Code)
		k.Str(e.Status)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *SubmitInvoiceTitle) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, Title, Phone, TaxNo, Addr, BankType, BankNo, Attach and TitleType.
func (e *SubmitInvoiceTitle) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.Title)
		k.Str(e.Phone)
		k.Str(e.TaxNo)
		k.Str(e.Addr)
		k.Str(e.BankType)
		k.Str(e.BankNo)
		k.Str(e.Attach)
		k.Str(e.TitleType)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *WxaMediaCheck) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, TraceID, IsRisky and StatusCode.
func (e *WxaMediaCheck) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Str(e.TraceID)
		k.Int(int64(e.IsRisky))
		k.Int(int64(e.StatusCode))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *WeappAuditSuccess) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event and SuccTime.
func (e *WeappAuditSuccess) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.SuccTime))
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *WeappAuditFail) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, FailTime and Reason.
func (e *WeappAuditFail) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.FailTime))
		k.Str(e.Reason)
	}
	return k.String()
}

// EventName returns Event, the name as it arrived.
func (e *WeappAuditDelay) EventName() string { return e.Event }

// DedupKey returns the key that is the same for WeChat's retries of this
// push and differs for another push (see [Event]): it covers the header, Event, DelayTime and Reason.
func (e *WeappAuditDelay) DedupKey() string {
	var k wire.Key
	for k.Next() {
		eventKey(&k, &e.Header, e.Event, "")
		k.Int(int64(e.DelayTime))
		k.Str(e.Reason)
	}
	return k.String()
}

// picsKey adds what tells two photo events of one second apart: the count
// and the MD5 of each picture sent.
func picsKey(k *wire.Key, info *SendPicsInfo) {
	k.Int(int64(info.Count))
	k.Int(int64(len(info.PicList)))
	for _, p := range info.PicList {
		k.Str(p.PicMD5Sum)
	}
}
