// Imported first by main.ts: the OpenTelemetry SDK must patch http, undici, ioredis and pg before they load.
import { startTelemetry } from '@tollgate/platform';

startTelemetry('tollgate');
