export { BullmqEventSink, type BullmqEventSinkOptions } from './bullmq-event.sink';
