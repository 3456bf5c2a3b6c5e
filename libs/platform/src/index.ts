export * from './config';
export * from './logging';
export * from './process/run-until-signalled';
export * from './telemetry';
