export * from './interception-event.schema';
export * from './interception-event.parser';
export * from './recording-jobs';
export * from './event-batch.sender';
export * from './recording-transport.probe';
export * from './event-batch.producer';
export * from './batch-delivery.span';
export * from './recorded-text.policy';
