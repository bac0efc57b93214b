import { describe, expect, test } from 'vitest';
import { growingSizes } from './growing-sizes.js';

describe('growingSizes', () => {
  test('doubles from the first size up to the largest, then stays there', () => {
    const next = growingSizes(250, 2000);
    expect(Array.from({ length: 6 }, next)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  test('a first size above the largest is the largest; below one is one; a fraction is rounded up', () => {
    const above = growingSizes(5000, 300);
    expect([above(), above()]).toEqual([300, 300]);
    const below = growingSizes(0.3, 3);
    expect([below(), below(), below(), below()]).toEqual([1, 2, 3, 3]);
    // A fraction is rounded up: sizes are counts of ids.
    const fraction = growingSizes(2.5, 100);
    expect([fraction(), fraction()]).toEqual([3, 6]);
  });
});
