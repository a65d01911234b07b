// CRC-16/XMODEM (poly 0x1021, init 0), as nkeys checksums are computed.
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

/** CRC-16/XMODEM of `data`, or of its first `end` bytes. */
export function crc16(data: Uint8Array, end: number = data.length): number {
  let crc = 0;
  for (let i = 0; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ data[i]!) & 0xff]!;
  return crc;
}
