import { createCircuitBreaker } from './breaker';

describe('createCircuitBreaker', () => {
  it('when failures reach the threshold in a row, then it opens once; a success closes it', () => {
    const breaker = createCircuitBreaker({ threshold: 3 });
    const changes: boolean[] = [];
    breaker.onChange((closed) => changes.push(closed));
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false]);
    expect(breaker.closed).toBe(true);
    expect(breaker.failure()).toBe(true);
    expect(breaker.closed).toBe(false);
    expect(breaker.failure()).toBe(false); // already open: opened only once
    breaker.success();
    expect(breaker.closed).toBe(true);
    expect(changes).toEqual([false, true]);
  });

  it('when a success comes between failures, then the count starts again', () => {
    const breaker = createCircuitBreaker({ threshold: 2 });
    breaker.failure();
    breaker.success();
    expect(breaker.failure()).toBe(false);
    expect(breaker.closed).toBe(true);
  });

  it('when opened explicitly, then it stays open until a success', () => {
    const breaker = createCircuitBreaker({ threshold: 5 });
    breaker.open();
    expect(breaker.closed).toBe(false);
    breaker.success();
    expect(breaker.closed).toBe(true);
  });
});
