import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Private keys at rest: AES-256-GCM under a key derived (HKDF-SHA256, fresh salt per key) from
 * KEY_ENCRYPTION_SECRET. The key id is bound as associated data, so a ciphertext moved to
 * another row does not decrypt.
 */
const VERSION = 'v1';

function deriveKey(secret: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, 'coe signing key encryption', 32));
}

export function encryptPrivateKey(secret: string, keyId: string, plaintext: Buffer): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, salt), iv);
  cipher.setAAD(Buffer.from(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, salt, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function decryptPrivateKey(secret: string, keyId: string, sealed: string): Buffer {
  const [version, salt, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !ciphertext) throw new Error('Unknown private key encoding');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    deriveKey(secret, Buffer.from(salt, 'base64url')),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAAD(Buffer.from(keyId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  } catch (error) {
    throw new Error(
      'Cannot decrypt the signing key: KEY_ENCRYPTION_SECRET does not match the one it was stored with',
      {
        cause: error,
      },
    );
  }
}
