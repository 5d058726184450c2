package batch

import (
	"bytes"

	"luascope/redisx"
)

// crcTabs are the CRC16-CCITT (XModem) tables of Redis Cluster's key
// slots for slicing by 8: crcTabs[k][x] is the CRC of byte x followed by
// k zero bytes. The reader hashes every line's key; a byte at a time,
// each step waits for the table load of the step before, while eight
// bytes need two dependent loads and six independent ones.
var crcTabs = func() (t [8][256]uint16) {
	for x := range 256 {
		crc := uint16(x) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[0][x] = crc
	}
	for k := 1; k < 8; k++ {
		for x := range 256 {
			c := t[k-1][x]
			t[k][x] = c<<8 ^ t[0][c>>8]
		}
	}
	return t
}()

// keySlot is redisx.KeySlot of a key's bytes (the same {hash tag} rule),
// eight bytes a step.
func keySlot(key []byte) int {
	if s := bytes.IndexByte(key, '{'); s >= 0 {
		if e := bytes.IndexByte(key[s+1:], '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	var crc uint16
	for len(key) >= 8 {
		crc = crcTabs[7][byte(crc>>8)^key[0]] ^ crcTabs[6][byte(crc)^key[1]] ^
			crcTabs[5][key[2]] ^ crcTabs[4][key[3]] ^ crcTabs[3][key[4]] ^
			crcTabs[2][key[5]] ^ crcTabs[1][key[6]] ^ crcTabs[0][key[7]]
		key = key[8:]
	}
	for _, c := range key {
		crc = crc<<8 ^ crcTabs[0][byte(crc>>8)^c]
	}
	return int(crc) % redisx.SlotCount
}
