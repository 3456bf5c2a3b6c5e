export * from './telemetry.bootstrap';
