import { MemoryRateLimiter } from './memory-rate-limiter';
import { describeRateLimiterContract } from './rate-limiter.contract.test-support';

describe('MemoryRateLimiter', () => {
  describeRateLimiterContract(async (start) => {
    const clock = { now: start };
    return { limiter: new MemoryRateLimiter(() => clock.now), clock };
  });
});
