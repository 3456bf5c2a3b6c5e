export * from './interception-queue';
export * from './interception-event.schema';
export * from './interception-event.parser';
export * from './interception-job-id';
export * from './interception-event.sink';
export * from './interception-job.catalogue';
export * from './recording-transport.probe';
