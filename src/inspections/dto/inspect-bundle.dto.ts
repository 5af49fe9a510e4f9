import { ApiProperty } from '@nestjs/swagger';
import { JwksDto } from '../../credentials/dto/public.dto.js';

export class LocalizedTextDto {
  @ApiProperty({ description: 'The original (the course’s text of record)' }) en: string;
  @ApiProperty({ description: 'Azerbaijani, else the original' }) az: string;
  @ApiProperty({ description: 'Russian, else the original' }) ru: string;
}

export class BundleStatusListDto {
  @ApiProperty({ example: 'revocation-1' }) id: string;
  @ApiProperty({ enum: ['revocation', 'suspension'] }) purpose: 'revocation' | 'suspension';
  @ApiProperty({
    example: 'https://coe.example/credentials/status/revocation-1',
    description:
      'The signed list (fetch with `Accept: application/vc+jwt`): a vc+jwt by the issuer, verified with the bundle’s keys',
  })
  url: string;
}

export class BundleCourseDto {
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty({ type: LocalizedTextDto }) title: LocalizedTextDto;
  @ApiProperty({ type: LocalizedTextDto }) level: LocalizedTextDto;
}

export class InspectBundleDto {
  @ApiProperty({ description: 'When this bundle was made: the app shows "status as of" its lists' })
  generatedAt: string;
  @ApiProperty({
    example: 'https://coe.example/issuer',
    description: 'The `iss` of QR tokens and status lists',
  })
  issuer: string;
  @ApiProperty({
    type: JwksDto,
    description: 'Every key the Center has published, retired ones included (as the JWKS route)',
  })
  jwks: JwksDto;
  @ApiProperty({
    type: [BundleStatusListDto],
    description:
      'The revocation and suspension list of every list number in use; a certificate’s position (`sl` in its QR token) is the same in both',
  })
  statusLists: BundleStatusListDto[];
  @ApiProperty({
    type: [BundleCourseDto],
    description: 'Every course a certificate may name (drafts without certificates left out)',
  })
  courses: BundleCourseDto[];
  @ApiProperty({
    example: 7,
    description: 'INSPECT_STALE_DAYS: past this age the app warns that its status is old',
  })
  staleAfterDays: number;
  @ApiProperty({
    description:
      'INSPECT_PUBLIC: whether anyone may sync the app (else only signed-in auditors and admins)',
  })
  public: boolean;
  @ApiProperty({ example: '/api/v1/inspections', description: 'Where the app uploads its checks' })
  uploadUrl: string;
}
