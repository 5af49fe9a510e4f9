import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { PRINTABLE_TEXT, Trim } from '../../common/validators.js';
import {
  RECOGNITION_END_REASONS,
  RECOGNITION_STATES,
  type Recognition,
  type RecognitionEndReason,
  type RecognitionState,
} from '../recognition.entity.js';

export class RecordRecognitionDto {
  @ApiProperty({ format: 'uuid', description: 'The course of ours the credential satisfies' })
  @IsUUID()
  courseId: string;

  @ApiProperty({
    description:
      'The credential as issued by the other centre: a vc+jwt string, an EnvelopedVerifiableCredential or a Data Integrity object (eddsa-rdfc-2022, did:key)',
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
  })
  @IsDefined()
  credential: unknown;

  @ApiProperty({ maxLength: 2000, description: 'Why it satisfies the course (required)' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PRINTABLE_TEXT, { message: 'note must not contain control characters' })
  note: string;
}

export class DecideRecognitionDto {
  @ApiProperty({ enum: ['accept', 'reject'] })
  @IsIn(['accept', 'reject'])
  decision: 'accept' | 'reject';

  @ApiProperty({ maxLength: 2000, description: 'Why (required)' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(PRINTABLE_TEXT, { message: 'note must not contain control characters' })
  note: string;
}

export class RecognitionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) traineeId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null once the issuer is no longer trusted',
  })
  trustedIssuerId: string | null;
  @ApiProperty({ example: 'Ukrainian Mine Action Training Centre' }) issuerName: string;
  @ApiProperty({ description: 'The credential’s issuer (a DID or URL)' }) issuer: string;
  @ApiProperty({ enum: ['vc+jwt', 'data-integrity'] }) format: string;
  @ApiProperty({
    description: 'The credential as presented (the vc+jwt string or the object)',
    oneOf: [{ type: 'string' }, { type: 'object' }],
  })
  credential: unknown;
  @ApiProperty({ type: String, nullable: true }) credentialId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) validFrom: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Counts until then; null: never expires',
  })
  validUntil: string | null;
  @ApiProperty({
    enum: RECOGNITION_STATES,
    description:
      'pending: waits for a registrar; active: counts as the course; ended: no longer counts',
  })
  state: RecognitionState;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) presentedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) presentedAt: string;
  @ApiProperty() note: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When its status was last read at its issuer',
  })
  statusCheckedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt: string | null;
  @ApiProperty({ type: String, nullable: true, enum: RECOGNITION_END_REASONS })
  endReason: RecognitionEndReason | null;

  static from(r: Recognition): RecognitionDto {
    return {
      id: r.id,
      traineeId: r.traineeId,
      courseId: r.courseId,
      trustedIssuerId: r.trustedIssuerId,
      issuerName: r.issuerName,
      issuer: r.issuerRef,
      format: r.credentialFormat,
      credential: r.credential,
      credentialId: r.credentialId,
      validFrom: r.validFrom?.toISOString() ?? null,
      validUntil: r.validUntil?.toISOString() ?? null,
      state: r.state,
      presentedBy: r.presentedBy,
      presentedAt: r.presentedAt.toISOString(),
      note: r.note,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      decisionNote: r.decisionNote,
      statusCheckedAt: r.statusCheckedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      endReason: r.endReason,
    };
  }
}

export class ListRecognitionsQueryDto extends PageQueryDto {}

export class RecognitionPageDto {
  @ApiProperty({ type: [RecognitionDto] }) items: RecognitionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RecognitionStatusRunDto {
  @ApiProperty({ description: 'Recognitions (active or pending) whose credential was checked' })
  checked: number;
  @ApiProperty({ description: 'Ended by this run (revoked, suspended, issuer no longer trusted)' })
  ended: number;
  @ApiProperty({ description: 'Whose status could not be read this time (left as they were)' })
  unchecked: number;
}
