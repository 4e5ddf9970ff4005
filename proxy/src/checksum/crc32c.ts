/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, incremental. Node has no built-in CRC-32C;
 * this is the one S3 means by `CRC32C`. Check value: crc32c("123456789") === 0xE3069283.
 */

const TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32C of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start), as an unsigned
 * 32-bit integer. `crc32c(b, crc32c(a)) === crc32c(a + b)`, like `zlib.crc32`.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  const table = TABLE;
  for (let i = 0; i < data.length; i++) {
    c = table[(c ^ (data[i] as number)) & 0xff]! ^ (c >>> 8);
  }
  return ~c >>> 0;
}
