package msgcrypt

// ScanEncrypt gives the external tests what Open reads of an encrypted
// push's body before checking its signature: the Encrypt text and whether
// a MsgType sits beside it (the compatible mode), or scanBody's error.
func ScanEncrypt(body []byte) (encrypt string, compatible bool, err error) {
	out, err := scanBody(body)
	return string(out.encrypt), out.msgType, err
}
