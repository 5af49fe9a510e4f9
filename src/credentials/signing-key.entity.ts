import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SigningKeyStatus = 'active' | 'retired';

/**
 * An Ed25519 key the Center signs credentials with. The private key is stored only encrypted
 * with KEY_ENCRYPTION_SECRET, so a database dump alone cannot forge credentials. Retired keys
 * stay here (and in the JWKS) so credentials they signed keep verifying.
 */
@Entity('signing_keys')
@Index('signing_keys_one_active', ['status'], { unique: true, where: "status = 'active'" })
export class SigningKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The JWK thumbprint (RFC 7638) of the public key: the `kid` in JWT headers. */
  @Index('signing_keys_kid_key', { unique: true })
  @Column({ type: 'text' })
  kid: string;

  @Column({ type: 'text', default: 'EdDSA' })
  algorithm: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, string>;

  /** `v1.<salt>.<iv>.<tag>.<ciphertext>` (base64url): AES-256-GCM under an HKDF-derived key. */
  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted: string;

  @Column({ type: 'text' })
  status: SigningKeyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', precision: 3, nullable: true })
  retiredAt: Date | null;
}
