import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { DeskService } from './desk.service.js';
import { DeskDto } from './dto/desk.dto.js';

@ApiTags('desk')
@Controller('api/v1/desk')
export class DeskController {
  constructor(private readonly desk: DeskService) {}

  @Get()
  @Allow('desk.read')
  @ApiOperation({
    summary: "The registrar's desk: what needs doing now",
    description:
      "Dates are calendar days in the Center's time zone. Sessions starting in the next 30 days " +
      '(seats taken of capacity, waiting line, instructors against the course maximum: ' +
      '`staffing.ok: false` is the under-staffing warning); open sessions without a lead ' +
      'instructor; completed sessions with participants eligible for a certificate (the ' +
      'issuance rule) and none issued; certificates expiring in the next 90 days, counted per ' +
      "holder's organisation.",
  })
  @ApiOkResponse({ type: DeskDto })
  get(@CurrentActor() actor: Actor): Promise<DeskDto> {
    return this.desk.desk(actor);
  }
}
