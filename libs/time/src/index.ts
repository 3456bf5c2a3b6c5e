export { sleep, systemClock, type Clock, type TimerHandle, type TimerOptions } from './clock';
export { withTimeout } from './with-timeout';
