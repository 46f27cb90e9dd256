// dns-message.ts — the few bytes of RFC 1035 an A-record server needs: one question in, one answer out.

// #region dns-question
export interface Question {
  id: number;
  /** Lower-cased, without the final dot. */
  name: string;
  type: number;
  /** The question section's bytes, copied into the answer. */
  section: Buffer;
  /** RD, the client's "recursion desired" bit (RFC 1035 §4.1.1), echoed. */
  recursionDesired: boolean;
}

export const TYPE_A = 1;
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;

/** The header and first question of a query; undefined for anything that is not one. */
export function parseQuery(msg: Buffer): Question | undefined {
  if (msg.length < 12 || msg[2]! & 0x80 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  while (at < msg.length && msg[at] !== 0) {
    const len = msg[at]!;
    if (len > 63 || at + 1 + len > msg.length) return undefined; // no compression in a question
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return undefined;
  return {
    id: msg.readUInt16BE(0), name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1),
    section: msg.subarray(12, at + 5), recursionDesired: !!(msg[2]! & 0x01),
  };
}
// #endregion dns-question

// #region dns-answer
/** A response: the question echoed, and one A record per address (TTL 600 s, as Docker's resolver gives). */
export function answer(q: Question, rcode: number, addresses: string[] = []): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  header.writeUInt16BE(0x8000 | 0x0400 | (q.recursionDesired ? 0x0100 : 0) | 0x0080 | rcode, 2); // QR, AA, RD, RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((a) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the name at offset 12, the question's
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(600, 6);
    rr.writeUInt16BE(4, 10);
    a.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
    return rr;
  });
  return Buffer.concat([header, q.section, ...records]);
}
// #endregion dns-answer
