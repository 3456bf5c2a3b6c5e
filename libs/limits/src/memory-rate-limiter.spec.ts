import { FakeClock } from '@tollgate/testing';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { describeRateLimiterContract } from './rate-limiter.contract.test-support';

describe('MemoryRateLimiter', () => {
  describeRateLimiterContract(async (start) => {
    const clock = new FakeClock(start);
    return { limiter: new MemoryRateLimiter(clock), clock };
  });
});
