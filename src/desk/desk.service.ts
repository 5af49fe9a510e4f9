import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { addDays, today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import {
  expiringByOrganisation,
  openSessionsWithoutLead,
  sessionsAwaitingCertificates,
  upcomingSessions,
} from './desk-queries.js';
import type { DeskDto } from './dto/desk.dto.js';

/** Sessions starting within this many days are "upcoming" on the desk. */
export const UPCOMING_DAYS = 30;
/** Certificates whose last valid day is within this many days are "expiring" on the desk. */
export const EXPIRING_DAYS = 90;

/** The registrar's desk: what needs doing, in one answer. */
@Injectable()
export class DeskService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Course titles also in the reader's language (`actor.language`). */
  async desk(actor: Actor): Promise<DeskDto> {
    const language = actor.language;
    const day = today(this.config.timeZone);
    const upcomingTo = addDays(day, UPCOMING_DAYS);
    const expiringTo = addDays(day, EXPIRING_DAYS);
    // One snapshot, so the sections agree with each other (a session completed between two
    // queries would otherwise show in neither or both). Four queries, one after another on
    // the transaction's connection.
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const upcoming = await upcomingSessions(tx, day, upcomingTo, language);
      const withoutLead = await openSessionsWithoutLead(tx, language);
      const awaitingCertificates = await sessionsAwaitingCertificates(tx, language);
      const organisations = await expiringByOrganisation(tx, day, expiringTo);
      return {
        today: day,
        upcoming: { from: day, to: upcomingTo, sessions: upcoming },
        withoutLead,
        awaitingCertificates,
        expiring: {
          withinDays: EXPIRING_DAYS,
          from: day,
          to: expiringTo,
          total: organisations.reduce((sum, o) => sum + o.certificates, 0),
          organisations,
        },
      };
    });
  }
}
