import { createRevisionCache } from './revision-cache';

describe('createRevisionCache', () => {
  it('when the revision read differs from the entry’s, then the entry is not used', () => {
    const cache = createRevisionCache<string>(10);
    cache.set('r', 3n, 'facts at 3');
    expect(cache.get('r', 3n)).toBe('facts at 3');
    expect(cache.get('r', 4n)).toBeUndefined();
    // An older entry is dropped once a newer revision has been seen.
    expect(cache.get('r', 3n)).toBeUndefined();
  });

  it('when a load that read an older revision finishes last, then it does not replace the newer entry', () => {
    const cache = createRevisionCache<string>(10);
    cache.set('r', 5n, 'new');
    cache.set('r', 4n, 'old');
    expect(cache.get('r', 5n)).toBe('new');
  });

  it('when full, then the least recently used entry goes first', () => {
    const cache = createRevisionCache<string>(2);
    cache.set('a', 1n, 'a');
    cache.set('b', 1n, 'b');
    cache.get('a', 1n);
    cache.set('c', 1n, 'c');
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1n)).toBeUndefined();
    expect(cache.get('a', 1n)).toBe('a');
    expect(cache.get('c', 1n)).toBe('c');
  });

  it('when the capacity is 0, then nothing is kept (the cache is off)', () => {
    const cache = createRevisionCache<string>(0);
    cache.set('a', 1n, 'a');
    expect(cache.get('a', 1n)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
