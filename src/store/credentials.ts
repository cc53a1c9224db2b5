import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Secrets at rest. Passwords: scrypt (memory-hard) with a per-user salt; the parameters are stored with each
 * hash, so raising them later only affects new hashes and old ones still verify. Tokens and session ids are
 * 256 random bits, so one SHA-256 is enough to make a stolen database useless for signing in.
 */

/**
 * N = 2^15, r = 8, p = 3: one of the equivalent settings of the OWASP Password Storage Cheat Sheet (its
 * minimum is N = 2^17, r = 8, p = 1); it needs 32 MiB per hash instead of 128 MiB, which a small server
 * signing in several people at once can afford.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;
const MAX_PASSWORD_BYTES = 1024;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** "scrypt$N$r$p$salt$hash" (salt and hash base64url) */
export async function hashPassword(password: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params.N, params.r, params.p);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

/** Constant-time comparison of the derived key; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scryptAsync(password, Buffer.from(salt, "base64url"), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password the server accepts: long enough to resist guessing once rate-limited, short enough to hash. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < 10) return "a password needs at least 10 characters";
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    return `a password has at most ${MAX_PASSWORD_BYTES} bytes`;
  return undefined;
}

export const TOKEN_PREFIX = "pt_";
/** `pt_` + 43 base64url characters (256 bits): recognisable in logs and secret scanners. */
export const TOKEN_PATTERN = /^pt_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keeps of a token or session id. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
