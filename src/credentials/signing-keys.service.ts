import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { AppConfig } from '../config/app-config.js';
import { ChangeFeed } from '../database/change-feed.js';
import { didKeyOf, type DidKey } from './did-key.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';
import { SigningKey, type SigningKeyStatus } from './signing-key.entity.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

/** A key ready to sign: the JWT form names it by `kid`, the Data Integrity form by its did:key. */
export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
  didKey: DidKey;
}

/** What may be said about a key in public: never its private part. */
export interface SigningKeyInfo {
  id: string;
  kid: string;
  did: string;
  fingerprint: string;
  status: SigningKeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
}

const KEY_CREATION_LOCK = ADVISORY_LOCKS.signingKeyCreation;
/**
 * A rotation through another instance is announced by the change feed and picked up at once;
 * this bound only matters while the feed is down.
 */
const CACHE_MS = 30_000;

@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SigningKeysService.name);
  private cached?: { key: ActiveSigningKey; at: number };
  private cachedInfos?: { infos: Promise<SigningKeyInfo[]>; at: number };
  /** Decrypted keys by kid; a key's material never changes, only whether it is active. */
  private readonly decrypted = new Map<string, ActiveSigningKey>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    feed: ChangeFeed,
  ) {
    feed.subscribe(({ topic }) => {
      if (topic === 'signing_key' || topic === 'all') this.forgetCached();
    });
  }

  /** The first start creates the issuer key; later starts check it still decrypts. */
  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      if (!(await tx.exists(SigningKey, { where: { status: 'active' } }))) {
        const key = await this.createKey(tx);
        await this.audit.record(tx, SYSTEM_ACTOR, {
          action: 'signing_key.created',
          entityType: 'signing_key',
          entityId: key.id,
          data: { kid: key.kid, algorithm: key.algorithm },
        });
        this.logger.log(`Created the credential signing key ${key.kid}`);
      }
    });
    await this.activeKey();
  }

  async activeKey(): Promise<ActiveSigningKey> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.key;
    const row = await this.dataSource.getRepository(SigningKey).findOneBy({ status: 'active' });
    if (!row) throw new Error('No active signing key');
    const key = await this.material(row);
    this.cached = { key, at: Date.now() };
    return key;
  }

  /**
   * Any key the Center has used, by its did:key fingerprint. A retired key signs nothing new
   * except the status lists of the Data Integrity credentials it signed: a Bitstring Status
   * List must come from the same issuer (DID) as the credential it speaks about.
   */
  async keyByFingerprint(fingerprint: string): Promise<ActiveSigningKey | null> {
    const info = await this.findKey((k) => k.fingerprint === fingerprint);
    if (!info) return null;
    const cached = this.decrypted.get(info.kid);
    if (cached) return cached;
    const row = await this.dataSource.getRepository(SigningKey).findOneBy({ kid: info.kid });
    return row ? this.material(row) : null;
  }

  /** Looks again in the database on a miss: another instance may have rotated moments ago. */
  async findKey(match: (key: SigningKeyInfo) => boolean): Promise<SigningKeyInfo | null> {
    const found = (await this.keyInfos()).find(match);
    if (found) return found;
    this.cachedInfos = undefined;
    return (await this.keyInfos()).find(match) ?? null;
  }

  /** Every key with its DID, newest first (for the key list, the issuer profile, verification). */
  keyInfos(): Promise<SigningKeyInfo[]> {
    if (this.cachedInfos && Date.now() - this.cachedInfos.at < CACHE_MS)
      return this.cachedInfos.infos;
    const infos = this.loadKeyInfos();
    this.cachedInfos = { infos, at: Date.now() };
    infos.catch(() => (this.cachedInfos = undefined));
    return infos;
  }

  private async loadKeyInfos(): Promise<SigningKeyInfo[]> {
    const rows = await this.dataSource
      .getRepository(SigningKey)
      .find({ order: { createdAt: 'DESC' } });
    return Promise.all(
      rows.map(async (r) => {
        const { did, fingerprint } = await didKeyOf(r.publicJwk as JWK);
        return {
          id: r.id,
          kid: r.kid,
          did,
          fingerprint,
          status: r.status,
          createdAt: r.createdAt,
          retiredAt: r.retiredAt,
        };
      }),
    );
  }

  private async material(row: SigningKey): Promise<ActiveSigningKey> {
    const cached = this.decrypted.get(row.kid);
    if (cached) return cached;
    const der = decryptPrivateKey(
      this.config.keyEncryptionSecret,
      row.kid,
      row.privateKeyEncrypted,
    );
    const key: ActiveSigningKey = {
      kid: row.kid,
      privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      publicJwk: row.publicJwk as JWK,
      didKey: await didKeyOf(row.publicJwk as JWK),
    };
    this.decrypted.set(row.kid, key);
    return key;
  }

  /** Every public key ever used, newest first, so credentials signed before a rotation verify. */
  async publicKeys(): Promise<(JWK & { kid: string })[]> {
    const rows = await this.dataSource
      .getRepository(SigningKey)
      .find({ order: { createdAt: 'DESC' } });
    return rows.map((r) => ({ ...(r.publicJwk as JWK), kid: r.kid, alg: 'EdDSA', use: 'sig' }));
  }

  async rotate(actor: Actor): Promise<{ kid: string; previousKid: string | null }> {
    const result = await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const previous = await tx.findOne(SigningKey, {
        where: { status: 'active' },
        lock: { mode: 'pessimistic_write' },
      });
      if (previous)
        await tx.update(
          SigningKey,
          { id: previous.id },
          { status: 'retired', retiredAt: new Date() },
        );
      const key = await this.createKey(tx);
      await this.audit.record(tx, actor, {
        action: 'signing_key.rotated',
        entityType: 'signing_key',
        entityId: key.id,
        data: { kid: key.kid, previousKid: previous?.kid ?? null },
      });
      return { kid: key.kid, previousKid: previous?.kid ?? null };
    });
    this.forgetCached();
    return result;
  }

  private forgetCached(): void {
    this.cached = undefined;
    this.cachedInfos = undefined;
  }

  private async createKey(tx: EntityManager): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const sealed = encryptPrivateKey(
      this.config.keyEncryptionSecret,
      kid,
      privateKey.export({ format: 'der', type: 'pkcs8' }),
    );
    return tx.save(
      tx.create(SigningKey, {
        kid,
        algorithm: 'EdDSA',
        publicJwk: { kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x! },
        privateKeyEncrypted: sealed,
        status: 'active',
        retiredAt: null,
      }),
    );
  }
}
