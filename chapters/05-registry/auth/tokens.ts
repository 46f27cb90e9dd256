// tokens.ts — signed statements of who may do what, for a few minutes.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { writeSecretFile } from './secret-file.js';
import type { Access } from '../api/index.js';

// #region token-claims
const ALG = 'ES256';

/** The claims of a registry token: who, for which service, until when, and what. */
export interface TokenClaims {
  sub: string;
  access: Access[];
}

export interface TokenSettings {
  issuer: string;
  service: string;
  expirySeconds: number;
  /** Lifetime of refresh tokens. */
  refreshSeconds: number;
}

/**
 * A refresh token is a JWT too, told apart by this `typ` in its header:
 * it names a user and no access, so the registry never takes it as a
 * bearer token, and the token server takes nothing else in its place.
 */
const REFRESH_TYP = 'refresh+jwt';
// #endregion token-claims

// #region signing-key
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The signing key at `path`, made (mode 0600) if there is none yet. */
export async function loadOrCreateKey(path: string): Promise<SigningKey> {
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await writeSecretFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  }
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
// #endregion signing-key

// #region issue-verify
export class Tokens {
  constructor(private readonly key: SigningKey, readonly settings: TokenSettings) {}

  async issue(subject: string, access: Access[]): Promise<{ token: string; expiresIn: number; issuedAt: Date }> {
    const issuedAt = new Date();
    const now = Math.floor(issuedAt.getTime() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setIssuer(this.settings.issuer)
      .setSubject(subject)
      .setAudience(this.settings.service)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.settings.expirySeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiresIn: this.settings.expirySeconds, issuedAt };
  }

  /** The token's claims, or undefined if it is forged, expired, for another service, or a refresh token. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: [ALG], issuer: this.settings.issuer, audience: this.settings.service, requiredClaims: ['exp', 'sub'], typ: 'JWT',
      });
      return { sub: payload.sub!, access: Array.isArray(payload.access) ? (payload.access as Access[]) : [] };
    } catch {
      return undefined;
    }
  }
  // #endregion issue-verify

  // #region refresh-tokens
  /** A long-lived token naming `subject`, traded later for access tokens (OAuth2's `refresh_token` grant). */
  async issueRefresh(subject: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: ALG, typ: REFRESH_TYP })
      .setIssuer(this.settings.issuer)
      .setSubject(subject)
      .setAudience(this.settings.service)
      .setIssuedAt(now)
      .setExpirationTime(now + this.settings.refreshSeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  /** The user a refresh token names, or undefined if it is not a good one. */
  async verifyRefresh(token: string): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: [ALG], issuer: this.settings.issuer, audience: this.settings.service, requiredClaims: ['exp', 'sub'], typ: REFRESH_TYP,
      });
      return payload.sub;
    } catch {
      return undefined;
    }
  }
}
// #endregion refresh-tokens
