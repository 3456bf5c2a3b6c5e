export * from './entities';
export * from './migrations';
export { createDataSource, TollgateDataSource, type CreateDataSourceOptions } from './data-source.factory';
export { runMigrations } from './migration.runner';
export { InterceptionEventWriter, type BatchResult, type EventOutcome } from './interception-event.writer';
export { EventBatcher, type BatchItemResult, type BatchTimers, type EventBatcherOptions } from './event-batcher';
export { flushInterceptionEvents, ParentMissingError, type SettledOutcome } from './interception-batch.flush';
export { EmbeddedEventSink, type EmbeddedEventSinkOptions } from './embedded-event.sink';
