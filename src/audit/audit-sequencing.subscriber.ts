import { Logger } from '@nestjs/common';
import {
  EventSubscriber,
  type EntitySubscriberInterface,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { sequencerFor, takePendingMark } from './audit-sequencer.js';

/**
 * Puts a transaction's audit events in the chain right after it commits. TypeORM awaits
 * afterTransactionCommit inside commitTransaction, so `dataSource.transaction(...)` resolves
 * only once the caller's events are in the chain: what a request changed is in the trail when
 * its answer is sent, as when events were appended inside the transaction.
 *
 * Must never throw: a throw here would make a committed change look failed to its caller.
 * Registered in the DataSource options (src/database/data-source-options.ts).
 */
@EventSubscriber()
export class AuditSequencingSubscriber implements EntitySubscriberInterface {
  private readonly logger = new Logger('Audit');

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const { queryRunner } = event;
    // A released savepoint is not a commit: the outer transaction may still roll back.
    if (queryRunner.isTransactionActive || !takePendingMark(queryRunner)) return;
    try {
      await sequencerFor(event.dataSource).afterCommit(queryRunner);
    } catch (err) {
      this.logger.error({ err }, 'Audit sequencing after commit failed; the events stay pending');
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    // The rolled-back events are gone with their changes. (After a savepoint's rollback the
    // outer transaction may still hold others: the mark stays.)
    if (!event.queryRunner.isTransactionActive) takePendingMark(event.queryRunner);
  }
}
