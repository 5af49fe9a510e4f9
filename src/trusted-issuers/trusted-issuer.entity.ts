import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tracked } from '../common/base-columns.js';

/** The public keys of an issuer that signs vc+jwt credentials with keys named by `kid`. */
export interface StoredJwks {
  keys: { kty: string; crv?: string; x?: string; kid: string; [key: string]: unknown }[];
}

/**
 * Another centre whose credentials the Center accepts as proof of prior learning: who it is,
 * the keys that sign for it (a did:key, or a JWKS stored here: keys are never fetched while a
 * credential is checked) and the hosts its status lists may be fetched from. Nothing else is
 * ever fetched on a credential's say-so.
 */
@Entity('trusted_issuers')
@Index('trusted_issuers_did_key', ['did'], { unique: true })
@Check('trusted_issuers_keys_check', '"did" IS NOT NULL OR "jwks" IS NOT NULL')
export class TrustedIssuer extends Tracked {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'trusted_issuers_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  country: string;

  /** `did:key:z6Mk…` (Ed25519): the issuer's identifier in its credentials and its key. */
  @Column({ type: 'text', nullable: true })
  did: string | null;

  /** Where the issuer publishes its keys (informative once `jwks` is stored). */
  @Column({ name: 'jwks_url', type: 'text', nullable: true })
  jwksUrl: string | null;

  /** The keys as stored when the admin gave or fetched them. */
  @Column({ type: 'jsonb', nullable: true })
  jwks: StoredJwks | null;

  /** `host` or `host:port` values: the only places this issuer's status lists are fetched from. */
  @Column({ name: 'status_list_hosts', type: 'text', array: true, default: () => "'{}'" })
  statusListHosts: string[];
}
