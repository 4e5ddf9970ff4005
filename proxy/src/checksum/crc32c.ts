/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), incremental, "slicing-by-8" (eight 256-entry tables,
 * 8 KiB, eight bytes per step). Node has no built-in CRC-32C; this is the one S3 means by `CRC32C`.
 * Check value: crc32c("123456789") === 0xE3069283.
 */

/** Table k (k = 0..7) at offset 256 * k: the CRC contribution of a byte followed by k zero bytes. */
const TABLES = ((): Uint32Array => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = t[256 * (k - 1) + n] as number;
      t[256 * k + n] = ((previous >>> 8) ^ (t[previous & 0xff] as number)) >>> 0;
    }
  }
  return t;
})();

/**
 * The CRC-32C of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start), as an unsigned
 * 32-bit integer. `crc32c(b, crc32c(a)) === crc32c(a + b)`, like `zlib.crc32`.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  const t = TABLES;
  let c = ~previous;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  for (; i < end8; i += 8) {
    c ^= (data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24);
    c =
      (t[1792 + (c & 0xff)] as number) ^
      (t[1536 + ((c >>> 8) & 0xff)] as number) ^
      (t[1280 + ((c >>> 16) & 0xff)] as number) ^
      (t[1024 + (c >>> 24)] as number) ^
      (t[768 + (data[i + 4] as number)] as number) ^
      (t[512 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number);
  }
  for (; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
