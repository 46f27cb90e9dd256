// pax-xattrs.ts — extended attributes out of a tar's PAX records, byte for byte.

import tar from 'tar-stream';

// #region keep-raw-pax
const RAW_PAX = Symbol('raw PAX header');

type PaxRecords = Record<string, string> & { [RAW_PAX]?: Buffer };

/**
 * tar-stream's extractor, also keeping the raw bytes of every entry's PAX
 * header on `header.pax`. tar-stream decodes long headers in one method,
 * `_decodeLongHeader`; we wrap it on this one instance (tar-stream 3.x,
 * pinned by the lockfile) rather than parse tar a second time.
 */
export function extractKeepingRawPax(): tar.Extract {
  const extract = tar.extract() as tar.Extract & { _decodeLongHeader(buf: Buffer): void };
  const decode = extract._decodeLongHeader;
  extract._decodeLongHeader = function (this: { _header: { type: string }; _pax: PaxRecords | null }, buf: Buffer) {
    decode.call(this, buf);
    if (this._header.type === 'pax-header' && this._pax) this._pax[RAW_PAX] = Buffer.from(buf);
  };
  return extract;
}
// #endregion keep-raw-pax

// #region read-records
/**
 * The SCHILY.xattr records of one entry's PAX header, values as raw bytes,
 * or undefined when the header's raw bytes were not kept. Each record reads
 * `LENGTH KEY=VALUE\n`, LENGTH counting the whole record in bytes, so a
 * value may hold any byte, newlines included.
 */
export function rawPaxXattrs(pax: unknown): Map<string, Buffer> | undefined {
  const raw = (pax as PaxRecords | undefined)?.[RAW_PAX];
  if (!raw) return undefined;
  const xattrs = new Map<string, Buffer>();
  let rest = raw;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = space > 0 ? Number(rest.subarray(0, space).toString('latin1')) : NaN;
    if (!Number.isInteger(length) || length <= space + 1 || length > rest.length) break;
    const record = rest.subarray(space + 1, length - 1); // without the trailing newline
    const equals = record.indexOf(0x3d);
    const key = equals > 0 ? record.subarray(0, equals).toString('utf8') : '';
    if (key.startsWith('SCHILY.xattr.')) {
      xattrs.set(key.slice('SCHILY.xattr.'.length), Buffer.from(record.subarray(equals + 1)));
    }
    rest = rest.subarray(length);
  }
  return xattrs;
}
// #endregion read-records
