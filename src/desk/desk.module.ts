import { Module } from '@nestjs/common';
import { DeskController } from './desk.controller.js';
import { DeskService } from './desk.service.js';

/** The registrar's desk (issue 17): read-only, across courses, enrolments and certificates. */
@Module({ controllers: [DeskController], providers: [DeskService] })
export class DeskModule {}
