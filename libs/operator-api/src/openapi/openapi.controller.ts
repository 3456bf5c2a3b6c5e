import { Controller, Get, Header } from '@nestjs/common';
import { OPENAPI_DOCUMENT } from './openapi.document';

/** The operator and user API, described (no token needed: it describes routes, not data). */
@Controller()
export class OpenApiController {
  private readonly body = JSON.stringify(OPENAPI_DOCUMENT);

  @Get('openapi.json')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'no-cache')
  document(): string {
    return this.body;
  }
}
