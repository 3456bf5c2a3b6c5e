export { BullmqBatchClient, type BullmqBatchClientOptions } from './bullmq-batch.client';
export { RedisTransportProbe, type RedisTransportProbeOptions } from './redis-transport.probe';
