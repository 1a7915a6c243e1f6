package event

// knownNames lists every name newExact knows, for the ASCII-case-insensitive
// fallback of newEvent. It is a function so that no package variable can
// be changed; it is inlined, so the slice stays on the stack.
//
// The Name… constants, this list and newExact's switch must hold the same
// names. TestEveryNameConstantHasItsOwnType guards them: it reads the
// constants from the source, and parses each name exactly (fails if
// newExact lacks it) and with its case swapped (fails if this list lacks it).
func knownNames() []string {
	return []string{
		NameSubscribe,
		NameUnsubscribe,
		NameScan,
		NameLocation,
		NameClick,
		NameView,
		NameViewMiniProgram,
		NameScanCodePush,
		NameScanCodeWaitMsg,
		NamePicSysPhoto,
		NamePicPhotoOrAlbum,
		NamePicWeixin,
		NameLocationSelect,
		NameTemplateSendJobFinish,
		NameMassSendJobFinish,
		NamePublishJobFinish,
		NameFreePublishJobFinish,
		NameSubscribeMsgPopup,
		NameSubscribeMsgChange,
		NameSubscribeMsgSent,
		NameKfCreateSession,
		NameKfCloseSession,
		NameKfSwitchSession,
		NameCardPassCheck,
		NameCardNotPassCheck,
		NameUserGetCard,
		NameUserGiftingCard,
		NameUserDelCard,
		NameUserConsumeCard,
		NameUserPayFromPayCell,
		NameUserViewCard,
		NameUserEnterSessionFromCard,
		NameUpdateMemberCard,
		NameCardSkuRemind,
		NameCardPayOrder,
		NameSubmitMemberCardUserInfo,
		NameGiftCardPayDone,
		NameGiftCardSendToFriend,
		NameGiftCardUserAccept,
		NameQualificationVerifySuccess,
		NameQualificationVerifyFail,
		NameNamingVerifySuccess,
		NameNamingVerifyFail,
		NameAnnualRenew,
		NameVerifyExpired,
		NameUserInfoModified,
		NameUserAuthorizationRevoke,
		NameUserAuthorizationCancellation,
		NamePoiCheckNotify,
		NameWifiConnected,
		NameShakearoundUserShake,
		NameMerchantOrder,
		NameUserScanProduct,
		NameUserScanProductEnterSession,
		NameUserScanProductAsync,
		NameUserScanProductVerifyAction,
		NameUserAuthorizeInvoice,
		NameUpdateInvoiceStatus,
		NameSubmitInvoiceTitle,
		NameWxaMediaCheck,
		NameWeappAuditSuccess,
		NameWeappAuditFail,
		NameWeappAuditDelay,
	}
}

// newExact maps an exact wire name to a new zero value of its type, or nil.
func newExact(name string) Event {
	switch name {
	case NameSubscribe:
		return new(Subscribe)
	case NameUnsubscribe:
		return new(Unsubscribe)
	case NameScan:
		return new(Scan)
	case NameLocation:
		return new(Location)
	case NameClick:
		return new(Click)
	case NameView:
		return new(View)
	case NameViewMiniProgram:
		return new(ViewMiniProgram)
	case NameScanCodePush:
		return new(ScanCodePush)
	case NameScanCodeWaitMsg:
		return new(ScanCodeWaitMsg)
	case NamePicSysPhoto:
		return new(PicSysPhoto)
	case NamePicPhotoOrAlbum:
		return new(PicPhotoOrAlbum)
	case NamePicWeixin:
		return new(PicWeixin)
	case NameLocationSelect:
		return new(LocationSelect)
	case NameTemplateSendJobFinish:
		return new(TemplateSendJobFinish)
	case NameMassSendJobFinish:
		return new(MassSendJobFinish)
	case NamePublishJobFinish, NameFreePublishJobFinish:
		return new(PublishJobFinish)
	case NameSubscribeMsgPopup:
		return new(SubscribeMsgPopup)
	case NameSubscribeMsgChange:
		return new(SubscribeMsgChange)
	case NameSubscribeMsgSent:
		return new(SubscribeMsgSent)
	case NameKfCreateSession:
		return new(KfCreateSession)
	case NameKfCloseSession:
		return new(KfCloseSession)
	case NameKfSwitchSession:
		return new(KfSwitchSession)
	case NameCardPassCheck:
		return new(CardPassCheck)
	case NameCardNotPassCheck:
		return new(CardNotPassCheck)
	case NameUserGetCard:
		return new(UserGetCard)
	case NameUserGiftingCard:
		return new(UserGiftingCard)
	case NameUserDelCard:
		return new(UserDelCard)
	case NameUserConsumeCard:
		return new(UserConsumeCard)
	case NameUserPayFromPayCell:
		return new(UserPayFromPayCell)
	case NameUserViewCard:
		return new(UserViewCard)
	case NameUserEnterSessionFromCard:
		return new(UserEnterSessionFromCard)
	case NameUpdateMemberCard:
		return new(UpdateMemberCard)
	case NameCardSkuRemind:
		return new(CardSkuRemind)
	case NameCardPayOrder:
		return new(CardPayOrder)
	case NameSubmitMemberCardUserInfo:
		return new(SubmitMemberCardUserInfo)
	case NameGiftCardPayDone:
		return new(GiftCardPayDone)
	case NameGiftCardSendToFriend:
		return new(GiftCardSendToFriend)
	case NameGiftCardUserAccept:
		return new(GiftCardUserAccept)
	case NameQualificationVerifySuccess:
		return new(QualificationVerifySuccess)
	case NameQualificationVerifyFail:
		return new(QualificationVerifyFail)
	case NameNamingVerifySuccess:
		return new(NamingVerifySuccess)
	case NameNamingVerifyFail:
		return new(NamingVerifyFail)
	case NameAnnualRenew:
		return new(AnnualRenew)
	case NameVerifyExpired:
		return new(VerifyExpired)
	case NameUserInfoModified:
		return new(UserInfoModified)
	case NameUserAuthorizationRevoke:
		return new(UserAuthorizationRevoke)
	case NameUserAuthorizationCancellation:
		return new(UserAuthorizationCancellation)
	case NamePoiCheckNotify:
		return new(PoiCheckNotify)
	case NameWifiConnected:
		return new(WifiConnected)
	case NameShakearoundUserShake:
		return new(ShakearoundUserShake)
	case NameMerchantOrder:
		return new(MerchantOrder)
	case NameUserScanProduct:
		return new(UserScanProduct)
	case NameUserScanProductEnterSession:
		return new(UserScanProductEnterSession)
	case NameUserScanProductAsync:
		return new(UserScanProductAsync)
	case NameUserScanProductVerifyAction:
		return new(UserScanProductVerifyAction)
	case NameUserAuthorizeInvoice:
		return new(UserAuthorizeInvoice)
	case NameUpdateInvoiceStatus:
		return new(UpdateInvoiceStatus)
	case NameSubmitInvoiceTitle:
		return new(SubmitInvoiceTitle)
	case NameWxaMediaCheck:
		return new(WxaMediaCheck)
	case NameWeappAuditSuccess:
		return new(WeappAuditSuccess)
	case NameWeappAuditFail:
		return new(WeappAuditFail)
	case NameWeappAuditDelay:
		return new(WeappAuditDelay)
	}
	return nil
}
