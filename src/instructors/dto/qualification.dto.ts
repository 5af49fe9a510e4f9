import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate } from '../../common/validators.js';

export class QualificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) instructorId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'EOD-1' }) courseCode: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 1' }) courseTitle: string;
  @ApiProperty({ format: 'date', description: 'Last day the qualification holds (inclusive)' })
  validUntil: string;
  @ApiProperty({ description: "validUntil is today or later (in the Center's time zone)" })
  current: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class GrantQualificationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  courseId: string;

  @ApiProperty({ format: 'date', example: '2028-06-30' })
  @IsCalendarDate()
  validUntil: string;
}

export class ListQualificationsQueryDto extends PageQueryDto {}

export class QualificationPageDto {
  @ApiProperty({ type: [QualificationDto], description: 'Newest first, renewals included' })
  items: QualificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
