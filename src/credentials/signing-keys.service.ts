import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { AppConfig } from '../config/app-config.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';
import { SigningKey } from './signing-key.entity.js';

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

const KEY_CREATION_LOCK = 740_118_010;
/** Other instances pick up a rotation within this time. */
const CACHE_MS = 30_000;

@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SigningKeysService.name);
  private cached?: { key: ActiveSigningKey; at: number };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

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
    const der = decryptPrivateKey(
      this.config.keyEncryptionSecret,
      row.kid,
      row.privateKeyEncrypted,
    );
    const key: ActiveSigningKey = {
      kid: row.kid,
      privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      publicJwk: row.publicJwk as JWK,
    };
    this.cached = { key, at: Date.now() };
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
    this.cached = undefined;
    return result;
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
