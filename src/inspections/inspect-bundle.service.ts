import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { localizedLevel, localizedTitle } from '../courses/course-translations.js';
import { Course } from '../courses/course.entity.js';
import { statusListUrl } from '../credentials/credential-builder.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { SigningKeysService } from '../credentials/signing-keys.service.js';
import { statusListId, StatusListsService } from '../credentials/status-lists.service.js';
import { LANGUAGES } from '../web/i18n.js';
import type { InspectBundleDto, LocalizedTextDto } from './dto/inspect-bundle.dto.js';

/**
 * Everything the inspector's app needs to judge a QR token with no connection: the keys that
 * sign tokens and status lists, where the lists are, and how to name courses in each language.
 * The lists themselves are not copied in: the app fetches each signed list and checks its
 * proof, so what it trusts is signed by the issuer, not merely handed over by this route.
 */
@Injectable()
export class InspectBundleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly statusLists: StatusListsService,
    private readonly credentials: CredentialsService,
  ) {}

  async bundle(): Promise<InspectBundleDto> {
    const generatedAt = new Date().toISOString();
    const [keys, listNumbers, courses] = await Promise.all([
      this.keys.publicKeys(),
      this.statusLists.listNumbersInUse(),
      this.courses(),
    ]);
    const base = this.config.publicBaseUrl;
    return {
      generatedAt,
      issuer: this.credentials.issuer().id,
      jwks: { keys } as InspectBundleDto['jwks'],
      // The two lists the app reads apart (revoked, suspended): the token's `sl` position is
      // the same in every list of its number.
      statusLists: listNumbers.flatMap((n) =>
        (['revocation', 'suspension'] as const).map((purpose) => ({
          id: statusListId(purpose, n),
          purpose,
          url: statusListUrl(base, purpose, n),
        })),
      ),
      courses,
      staleAfterDays: this.config.inspectStaleDays,
      public: this.config.inspectPublic,
      uploadUrl: '/api/v1/inspections',
    };
  }

  /**
   * Courses a certificate can name: every one out of draft, and any draft that somehow has
   * certificates (imported history). Drafts without certificates are the Center's plans, not
   * for a bundle anyone may read when INSPECT_PUBLIC is on.
   */
  private async courses(): Promise<InspectBundleDto['courses']> {
    const rows = await this.dataSource
      .getRepository(Course)
      .createQueryBuilder('c')
      .select(['c.id', 'c.code', 'c.title', 'c.level', 'c.translations'])
      .where(
        `c.status <> 'draft' OR EXISTS (SELECT 1 FROM certificates x WHERE x.course_id = c.id)`,
      )
      .orderBy('c.code', 'ASC')
      .getMany();
    const inEach = (text: (lang: (typeof LANGUAGES)[number]) => string) =>
      Object.fromEntries(
        LANGUAGES.map((lang) => [lang, text(lang)]),
      ) as unknown as LocalizedTextDto;
    return rows.map((c) => ({
      code: c.code,
      title: inEach((lang) => localizedTitle(c, lang)),
      level: inEach((lang) => localizedLevel(c, lang)),
    }));
  }
}
