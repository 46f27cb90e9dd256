// network.ts — the one network device a new network namespace starts with.

import { close, ioctlBuffer, socket } from './libc.js';

// #region loopback
const AF_INET = 2;
const SOCK_DGRAM = 2;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;

/** struct ifreq is 40 bytes: a 16-byte name, then a union whose first member is `short ifr_flags`. */
export function bringUpLoopback(): void {
  const fd = socket(AF_INET, SOCK_DGRAM, 0);
  try {
    const ifreq = Buffer.alloc(40);
    ifreq.write('lo', 0, 'latin1');
    ioctlBuffer(fd, SIOCGIFFLAGS, ifreq);
    ifreq.writeUInt16LE(ifreq.readUInt16LE(16) | IFF_UP, 16);
    ioctlBuffer(fd, SIOCSIFFLAGS, ifreq);
  } finally {
    close(fd);
  }
}
// #endregion loopback
