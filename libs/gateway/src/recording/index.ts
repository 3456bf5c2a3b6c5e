export { BullmqEventSink, type BullmqEventSinkOptions } from './bullmq-event.sink';
export { RedisTransportProbe, type RedisTransportProbeOptions } from './redis-transport.probe';
