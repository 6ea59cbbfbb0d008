import { Controller, Get, Header, Res } from '@nestjs/common';
import type { HttpResponse } from '../http/http-types.js';
import { type HealthReport, HealthService } from './health.service.js';

@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when all is well, 503 otherwise; the body has the same shape either way (contract section 2). */
  @Get()
  @Header('Cache-Control', 'no-store')
  async report(@Res({ passthrough: true }) res: HttpResponse): Promise<HealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
