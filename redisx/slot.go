package redisx

// crc16tab is the CRC16-CCITT (XModem) table Redis Cluster uses.
var crc16tab = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()

// SlotCount is the number of hash slots in a Redis Cluster.
const SlotCount = 16384

// KeySlot is the cluster hash slot of key, with {hash tag} rules: when
// the key has a `{` followed later by a `}` with at least one byte
// between them, only those bytes are hashed. Keys a script touches must
// share a slot, which hash tags make possible.
func KeySlot(key string) int {
	if tag, ok := HashTag(key); ok {
		key = tag
	}
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc = crc<<8 ^ crc16tab[byte(crc>>8)^key[i]]
	}
	return int(crc) % SlotCount
}
